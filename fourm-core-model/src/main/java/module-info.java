/**
 * The 4M transformer on DJL ({@link fourm.core.model.FourMModel}): its configuration
 * ({@link fourm.core.model.FourMConfig}), encoder and decoder, forward passes and losses, checkpoints in the
 * reference's key names ({@link fourm.core.model.Checkpoints}), FLOP counting, and the engine that creates and loads
 * models ({@link fourm.core.model.ModelEngine}).
 *
 * <p>Depends on fourm-api (modality specifications, token layouts), fourm-core-io (safetensors), DJL with its PyTorch
 * engine, and fourm-torchscript: passes without gradients run each block stack, and a cached decode step, as one
 * TorchScript call.
 */
module fourm.core.model {
    requires transitive fourm.api;
    requires transitive fourm.core.io;
    requires transitive ai.djl.api;
    requires com.google.gson;
    requires org.yaml.snakeyaml;
    requires jakarta.inject;
    requires ai.djl.pytorch_engine;
    requires fourm.torchscript;

    exports fourm.core.model;

    // DjlModelEngine has an @Inject constructor; fourm.core binds it with Guice.
    opens fourm.core.model to com.google.guice;
}
