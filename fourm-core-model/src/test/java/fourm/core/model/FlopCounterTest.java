package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The matmul FLOP count, against sums written out by hand, and the shape read back from a forward pass. */
class FlopCounterTest {

    @Test
    void aSmallGeluModelCountsEveryProductOnce() {
        FourMConfig c = FourMModelTest.smallConfig(MlpKind.GELU, true); // D 16, 2+2 blocks, F 64
        FlopCounter.StepShape s = new FlopCounter.StepShape(2, 5, 6,
                Map.of("rgb@8", 3L, "tok_x@8", 4L, "emb", 2L), Map.of("tok_x@8", 3L, "cap", 4L));
        FlopCounter.Breakdown f = FlopCounter.forward(c, s);
        // projections: rgb 2*3*(4*4*3)*16 + emb 2*2*5*16; tokens are gathers
        long projections = 4608 + 320;
        // per encoder block (10 rows): qkv 2*10*16*48, q k^T + attn v 2*2*2*5*5*16, proj 2*10*16*16, fc1+fc2
        long encoderBlock = 15360 + 3200 + 5120 + 40960;
        long context = 5120;
        assertThat(f.encoder()).isEqualTo(projections + 2 * encoderBlock + context);
        // per decoder block (12 rows): self qkv, self attention 2*2*2*6*6*16, proj, cross q, kv on 10 context rows,
        // cross attention 2*2*2*6*5*16, cross proj, MLP
        long decoderBlock = 18432 + 4608 + 6144 + 6144 + 10240 + 3840 + 6144 + 49152;
        assertThat(f.decoder()).isEqualTo(2 * decoderBlock);
        // heads on own targets only: 2*3*16*10 + 2*4*16*12
        assertThat(f.heads()).isEqualTo(960 + 1536);
        assertThat(f.total()).isEqualTo(351_232);
        assertThat(FlopCounter.training(c, s)).isEqualTo(3 * 351_232);
        assertThat(s.tokens()).isEqualTo(22);
    }

    @Test
    void swigluCountsThreeMlpMatricesOfTheTwoThirdsWidth() {
        FourMConfig c = FourMModelTest.smallConfig(MlpKind.SWIGLU, false); // F = int(2 * 64 / 3) = 42
        FourMConfig g = FourMModelTest.smallConfig(MlpKind.GELU, false);
        FlopCounter.StepShape s = new FlopCounter.StepShape(1, 4, 3, Map.of(), Map.of());
        long diff = FlopCounter.forward(c, s).total() - FlopCounter.forward(g, s).total();
        long perRow = 2L * 16 * 42 * 3 - 2L * 16 * 64 * 2;
        assertThat(diff).isEqualTo(perRow * (2 * 4 + 2 * 3));
    }

    @Test
    void theShapeOfAForwardCountsValidSlotsByModality() {
        try (FourMModel model = FourMModel.create(FourMModelTest.smallConfig(MlpKind.GELU, true), 3);
             NDManager m = model.newStepManager()) {
            ForwardOutput out = model.forward(m, FourMModelTest.smallBatch(1, false), ForwardOptions.defaults()
                    .withDecoderOrder(java.util.List.of("cap", "glob", "tok_x@8")).withNumEncoderTokens(9)
                    .withNumDecoderTokens(7));
            FlopCounter.StepShape s = FlopCounter.shapeOf(model.config(), out);
            assertThat(s.batch()).isEqualTo(2);
            assertThat(s.encoderTokens()).isEqualTo(9);
            assertThat(s.decoderTokens()).isEqualTo(7);
            long valid = 0;
            for (int id : out.encoderInput().modIds()) {
                valid += id >= 0 ? 1 : 0;
            }
            assertThat(s.encoderRows().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(valid);
            for (Map.Entry<String, Long> e : s.targetRows().entrySet()) {
                assertThat(e.getValue()).as(e.getKey())
                        .isEqualTo(out.lossTargets().get(e.getKey()).getShape().get(0));
            }
            assertThat(s.targetRows()).containsOnlyKeys("cap", "glob", "tok_x@8");
            FlopCounter.StepShape host = FlopCounter.shapeOf(model.config(), FourMModelTest.smallBatch(1, false),
                    java.util.List.of("cap", "glob", "tok_x@8"), 9, 7);
            assertThat(host).isEqualTo(s);
            for (int n : new int[] {2, 4}) {
                ForwardOutput small = model.forward(m, FourMModelTest.smallBatch(1, false), ForwardOptions.defaults()
                        .withDecoderOrder(java.util.List.of("glob", "tok_x@8", "cap")).withNumEncoderTokens(n)
                        .withNumDecoderTokens(n));
                assertThat(FlopCounter.shapeOf(model.config(), FourMModelTest.smallBatch(1, false),
                        java.util.List.of("glob", "tok_x@8", "cap"), n, n))
                        .as("truncated to %d slots", n).isEqualTo(FlopCounter.shapeOf(model.config(), small));
            }
        }
    }

    @Test
    void unknownModalitiesAndNegativeSizesAreRefused() {
        FourMConfig c = FourMModelTest.smallConfig(MlpKind.GELU, true);
        assertThatThrownBy(() -> FlopCounter.forward(c, new FlopCounter.StepShape(1, 1, 1, Map.of(),
                Map.of("nope", 1L)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> new FlopCounter.StepShape(-1, 1, 1, Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
