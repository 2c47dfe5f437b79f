/**
 * Loads TensorFlow.js graph models into TensorFlow Java: {@link fourm.tfjs.TfjsModel} reads the topology and the
 * weights, decodes quantised weights, rewrites TF.js-only ops, validates the graph and runs it;
 * {@link fourm.tfjs.TfjsModelException} names the file and the node of every problem.
 */
package fourm.tfjs;
