/**
 * fourm-demo: the end-to-end demo on fourm-synth's world. {@link fourm.demo.Demo} makes a training and a held-out
 * world, trains (or loads the shipped) image tokenizers, text tokenizer and a small 4M, pre-tokenizes the world into
 * fourm-core's dataset format, generates any-to-any on held-out scenes and writes PNG grids and a metrics JSON;
 * {@link fourm.demo.Evaluator} computes the zero-shot table (depth, normals, semseg, boxes, captions) beside the
 * tokenizer bound and a trivial predictor. {@code fourm demo} and {@code fourm eval} are its commands, which the
 * {@code fourm} command line finds through {@code fourm.cli.spi.CommandProvider}.
 */
module fourm.demo {
    requires transitive fourm.core;
    requires transitive fourm.synth;
    requires transitive fourm.vq;
    requires transitive fourm.vq.modality;
    requires transitive fourm.vq.train;
    requires transitive fourm.modality.text;
    requires transitive fourm.modality.det;
    requires transitive typesafe.config;
    requires ai.djl.api;
    requires com.google.gson;
    requires fourm.cli.spi;
    requires info.picocli;

    exports fourm.demo;

    // picocli reads and writes the annotated command fields reflectively.
    opens fourm.demo.cli to info.picocli;

    provides fourm.cli.spi.CommandProvider with fourm.demo.cli.DemoCommands;
    provides fourm.core.generate.sampler.SamplerPreset with fourm.demo.DemoSamplerPreset;
}
