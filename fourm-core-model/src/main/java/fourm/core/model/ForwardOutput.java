package fourm.core.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Everything a forward pass produced, as NDArrays of the step manager it ran in (close that manager to free them).
 * The losses are differentiable.
 *
 * <p>Shapes: B batch, N decoder slots, D width, V vocabulary of a modality, K target rows of a modality.
 *
 * @param encoderInput  embedded, selected encoder input
 * @param encoderOutput encoder output and context
 * @param decoderInput  embedded, selected decoder input and masks
 * @param decoderOutput [B, N, D] after {@code decoder_norm}
 * @param logits        per output modality of the batch, [B, N, V] at every slot (empty unless requested)
 * @param lossLogits    per output modality, [K, V] at its own target slots (row-major over B, N)
 * @param lossTargets   per output modality, [K] int64 target ids
 * @param modLoss       per output modality, scalar mean cross-entropy (0 when K = 0)
 * @param lossMod       scalar {@link LossType#MOD} loss
 * @param lossToken     scalar {@link LossType#TOKEN} loss
 */
public record ForwardOutput(EncoderInput encoderInput, EncoderOutput encoderOutput, DecoderInput decoderInput,
                            NDArray decoderOutput, Map<String, NDArray> logits, Map<String, NDArray> lossLogits,
                            Map<String, NDArray> lossTargets, Map<String, NDArray> modLoss, NDArray lossMod,
                            NDArray lossToken) {

    /** The loss of the given type. */
    public NDArray loss(LossType type) {
        return type == LossType.MOD ? lossMod : lossToken;
    }
}
