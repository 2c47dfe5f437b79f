/**
 * Optimization on DJL tensors: {@link fourm.core.optim.AdamW} (decoupled weight decay, gradient clipping, per-parameter
 * state that checkpoints save and restore) and {@link fourm.core.optim.LrSchedule} (warm-up then cosine decay).
 *
 * <p>Shared by the transformer's trainer ({@code fourm.core.train}) and the tokenizer trainer of fourm-vq; it does not
 * depend on the transformer. On DJL's PyTorch engine the update runs as libtorch's fused AdamW kernel, reached through
 * a small TorchScript module ({@code fourm.torchscript}); on any other engine, with DJL operations.
 */
module fourm.core.optim {
    requires transitive ai.djl.api;
    requires ai.djl.pytorch_engine;
    requires fourm.torchscript;

    exports fourm.core.optim;
}
