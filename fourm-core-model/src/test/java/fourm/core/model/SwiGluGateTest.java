package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fourm.core.model.FusedCrossEntropyTest.Pass;
import org.junit.jupiter.api.Test;

/**
 * The SwiGLU gate of training passes as one TorchScript call run in training mode ({@link SwiGluGate}) against the
 * recorded DJL operations: autograd records through the call (every gradient arrives), and losses and gradients agree
 * up to float rounding.
 */
class SwiGluGateTest {

    @Test
    void scriptedAndRecordedGatesAgree() {
        for (LossType type : LossType.values()) {
            Pass scripted = FusedCrossEntropyTest.pass(m -> m.scriptedSwiglu(true), type,
                    FourMModelTest.smallBatch(1, false));
            Pass plain = FusedCrossEntropyTest.pass(m -> m.scriptedSwiglu(false), type,
                    FourMModelTest.smallBatch(1, false));
            assertThat(scripted.lossMod()).isCloseTo(plain.lossMod(), within(1e-5f * Math.abs(plain.lossMod())));
            assertThat(scripted.lossToken()).isCloseTo(plain.lossToken(),
                    within(1e-5f * Math.abs(plain.lossToken())));
            FusedCrossEntropyTest.assertGradientsAgree(scripted, plain, type.toString());
            float[] fc1 = scripted.grads().get("decoder.1.mlp.fc1.weight");
            assertThat(fc1).as("a gradient through the gate").isNotEqualTo(new float[fc1.length]);
            float[] fc3 = scripted.grads().get("encoder.0.mlp.fc3.weight");
            assertThat(fc3).as("a gradient through the gate").isNotEqualTo(new float[fc3.length]);
        }
    }
}
