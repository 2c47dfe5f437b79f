package fourm.core.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Options of a full forward pass.
 *
 * @param numEncoderTokens N of the encoder; empty = the largest count of valid input tokens in the batch
 * @param numDecoderTokens N of the decoder; empty = the largest count of valid target tokens in the batch
 * @param decoderOrder     decoder modality order; empty = a shuffle of the batch's decoder modalities seeded by
 *                         {@code shuffleSeed} (the reference shuffles with Python's {@code random})
 * @param shuffleSeed      seed of the default decoder order
 * @param fullLogits       also compute logits of every output modality at every decoder slot, [B, N, V]
 */
public record ForwardOptions(OptionalInt numEncoderTokens, OptionalInt numDecoderTokens,
                             Optional<List<String>> decoderOrder, long shuffleSeed, boolean fullLogits) {

    /** Copies the order. */
    public ForwardOptions {
        decoderOrder = decoderOrder.map(List::copyOf);
    }

    /** Defaults: automatic token counts, seeded shuffle with seed 0, no full logits. */
    public static ForwardOptions defaults() {
        return new ForwardOptions(OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), 0L, false);
    }

    /** With an explicit encoder token count. */
    public ForwardOptions withNumEncoderTokens(int n) {
        return new ForwardOptions(OptionalInt.of(n), numDecoderTokens, decoderOrder, shuffleSeed, fullLogits);
    }

    /** With an explicit decoder token count. */
    public ForwardOptions withNumDecoderTokens(int n) {
        return new ForwardOptions(numEncoderTokens, OptionalInt.of(n), decoderOrder, shuffleSeed, fullLogits);
    }

    /** With an explicit decoder modality order. */
    public ForwardOptions withDecoderOrder(List<String> order) {
        return new ForwardOptions(numEncoderTokens, numDecoderTokens, Optional.of(order), shuffleSeed, fullLogits);
    }

    /** With the seed of the default decoder order. */
    public ForwardOptions withShuffleSeed(long seed) {
        return new ForwardOptions(numEncoderTokens, numDecoderTokens, decoderOrder, seed, fullLogits);
    }

    /** With or without full logits. */
    public ForwardOptions withFullLogits(boolean on) {
        return new ForwardOptions(numEncoderTokens, numDecoderTokens, decoderOrder, shuffleSeed, on);
    }
}
