package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fourm.core.model.FusedCrossEntropyTest.Pass;
import org.junit.jupiter.api.Test;

/**
 * The attention core of training passes as libtorch's scaled-dot-product attention in one recorded TorchScript call
 * ({@link RecordedAttention}) against the DJL operations: losses and every gradient agree up to float rounding.
 */
class RecordedAttentionTest {

    @Test
    void recordedAndOperationAttentionAgree() {
        for (LossType type : LossType.values()) {
            Pass recorded = FusedCrossEntropyTest.pass(m -> m.recordedAttention(true), type,
                    FourMModelTest.smallBatch(1, false));
            Pass plain = FusedCrossEntropyTest.pass(m -> m.recordedAttention(false), type,
                    FourMModelTest.smallBatch(1, false));
            assertThat(recorded.lossMod()).isCloseTo(plain.lossMod(), within(1e-5f * Math.abs(plain.lossMod())));
            assertThat(recorded.lossToken()).isCloseTo(plain.lossToken(),
                    within(1e-5f * Math.abs(plain.lossToken())));
            FusedCrossEntropyTest.assertGradientsAgree(recorded, plain, type.toString());
            float[] qkv = recorded.grads().get("encoder.0.attn.qkv.weight");
            assertThat(qkv).as("a gradient through the attention").isNotEqualTo(new float[qkv.length]);
        }
    }
}
