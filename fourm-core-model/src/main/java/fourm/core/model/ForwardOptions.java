package fourm.core.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Options of a full forward pass.
 *
 * @param numEncoderTokens N of the encoder; empty = the largest count of valid input tokens in the batch
 * @param numDecoderTokens N of the decoder; empty = the largest count of valid target tokens in the batch
 * @param decoderOrder     decoder modality order; empty = the batch's output modalities shuffled as the reference
 *                         shuffles them: Python's {@code random.seed(shuffleSeed)} then {@code random.sample}
 * @param shuffleSeed      seed of the default decoder order
 * @param fullLogits       also compute logits of every output modality at every decoder slot, [B, N, V]
 * @param sparseTableGradients for training: the token tables' (embedding) gradients come as one row per looked-up
 *                         token and are added into the tables' gradients in place, instead of as a dense gradient
 *                         of the whole table (a [V, D] tensor, zero but for the rows of the batch, written, read and
 *                         added every pass). The same values. Requires every token table that takes part to have a
 *                         defined, dense gradient before the backward pass (as {@code AdamW.attachGradients} leaves
 *                         them); otherwise the table's gradient would become a sparse tensor.
 */
public record ForwardOptions(OptionalInt numEncoderTokens, OptionalInt numDecoderTokens,
                             Optional<List<String>> decoderOrder, long shuffleSeed, boolean fullLogits,
                             boolean sparseTableGradients) {

    /** Copies the order. */
    public ForwardOptions {
        decoderOrder = decoderOrder.map(List::copyOf);
    }

    /** Without sparse table gradients. */
    public ForwardOptions(OptionalInt numEncoderTokens, OptionalInt numDecoderTokens,
                          Optional<List<String>> decoderOrder, long shuffleSeed, boolean fullLogits) {
        this(numEncoderTokens, numDecoderTokens, decoderOrder, shuffleSeed, fullLogits, false);
    }

    /** The default shuffle seed: the one the reference's golden outputs were made with. */
    public static final long DEFAULT_SHUFFLE_SEED = 1234L;

    /** Defaults: automatic token counts, the reference's shuffle with seed 1234, no full logits. */
    public static ForwardOptions defaults() {
        return new ForwardOptions(OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), DEFAULT_SHUFFLE_SEED,
                false);
    }

    /** With an explicit encoder token count. */
    public ForwardOptions withNumEncoderTokens(int n) {
        return new ForwardOptions(OptionalInt.of(n), numDecoderTokens, decoderOrder, shuffleSeed, fullLogits,
                sparseTableGradients);
    }

    /** With an explicit decoder token count. */
    public ForwardOptions withNumDecoderTokens(int n) {
        return new ForwardOptions(numEncoderTokens, OptionalInt.of(n), decoderOrder, shuffleSeed, fullLogits,
                sparseTableGradients);
    }

    /** With an explicit decoder modality order. */
    public ForwardOptions withDecoderOrder(List<String> order) {
        return new ForwardOptions(numEncoderTokens, numDecoderTokens, Optional.of(order), shuffleSeed, fullLogits,
                sparseTableGradients);
    }

    /** With the seed of the default decoder order. */
    public ForwardOptions withShuffleSeed(long seed) {
        return new ForwardOptions(numEncoderTokens, numDecoderTokens, decoderOrder, seed, fullLogits,
                sparseTableGradients);
    }

    /** With or without full logits. */
    public ForwardOptions withFullLogits(boolean on) {
        return new ForwardOptions(numEncoderTokens, numDecoderTokens, decoderOrder, shuffleSeed, on,
                sparseTableGradients);
    }

    /** With or without sparse table gradients (training with defined gradients, see the record's description). */
    public ForwardOptions withSparseTableGradients(boolean on) {
        return new ForwardOptions(numEncoderTokens, numDecoderTokens, decoderOrder, shuffleSeed, fullLogits, on);
    }
}
