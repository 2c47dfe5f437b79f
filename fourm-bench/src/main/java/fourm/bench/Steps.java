package fourm.bench;

import fourm.core.model.ForwardOptions;

/** What the model benchmarks share. */
final class Steps {
    private Steps() {
    }

    /** N encoder and N decoder slots, the batch's own decoder order, no full logits. */
    static ForwardOptions options(BenchConfig cfg, BenchConfig.Batch b) {
        return ForwardOptions.defaults().withNumEncoderTokens(cfg.tokens()).withNumDecoderTokens(cfg.tokens())
                .withDecoderOrder(b.order());
    }
}
