/**
 * Optimization on DJL tensors: {@link fourm.core.optim.AdamW} (decoupled weight decay, gradient clipping, per-parameter
 * state that checkpoints save and restore) and {@link fourm.core.optim.LrSchedule} (warm-up then cosine decay).
 *
 * <p>Shared by the transformer's trainer ({@code fourm.core.train}) and the tokenizer trainer of fourm-vq; it depends
 * on DJL's API only, so a tokenizer does not pull in the transformer.
 */
module fourm.core.optim {
    requires transitive ai.djl.api;

    exports fourm.core.optim;
}
