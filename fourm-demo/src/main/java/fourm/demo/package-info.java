/**
 * The demo pipeline ({@link fourm.demo.Demo}), its settings ({@link fourm.demo.DemoSettings}), the evaluation
 * ({@link fourm.demo.Evaluator}) and the metrics it is made of ({@link fourm.demo.DepthMetric},
 * {@link fourm.demo.NormalMetric}, {@link fourm.demo.SemsegMetric}, {@link fourm.demo.BoxMetric},
 * {@link fourm.demo.CaptionMetric}).
 */
package fourm.demo;
