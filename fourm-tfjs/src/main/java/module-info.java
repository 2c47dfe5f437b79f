/**
 * TensorFlow.js graph models on TensorFlow Java, and the pretrained pseudo-labelers built on them.
 *
 * <ul>
 *   <li>{@link fourm.tfjs} - {@link fourm.tfjs.TfjsModel}: loads any TF.js graph model and runs it.</li>
 * </ul>
 */
module fourm.tfjs {
    requires transitive fourm.api;
    requires transitive tensorflow;
    requires com.google.protobuf;
    requires com.google.protobuf.util;
    requires com.google.gson;

    exports fourm.tfjs;
}
