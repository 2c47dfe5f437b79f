package fourm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import fourm.core.model.FlopCounter;
import fourm.core.model.FourMConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The FLOP counts the generation timings are set against. */
class InferBenchTest {
    private static final FourMConfig TINY = TrainBench.tiny().model();

    private static long pass(int batch, int encoderTokens, int decodedBefore, int queries) {
        Map<String, Long> enc = decodedBefore == 0 ? Map.of("tok_rgb@224", 196L * batch)
                : Map.of("tok_rgb@224", 196L * batch, "tok_depth@224", (long) decodedBefore * batch);
        return FlopCounter.forward(TINY, new FlopCounter.StepShape(batch, encoderTokens, queries, enc,
                Map.of("tok_depth@224", (long) queries * batch))).total();
    }

    @Test
    void roarInOneStepIsOnePassOverEveryPosition() {
        assertThat(InferBench.flops("roar1", 1)).isEqualTo(pass(1, 196, 0, 196));
        assertThat(InferBench.flops("roar1", 8)).isEqualTo(8 * InferBench.flops("roar1", 1));
        // about 12 GFLOP: 196 tokens through 24.9M parameters twice (encoder, decoder), plus attention and the head
        assertThat(InferBench.flops("roar1", 1)).isBetween(11_000_000_000L, 13_000_000_000L);
    }

    @Test
    void maskgitFollowsTheReferencesCosineScheduleOfEightSteps() {
        // the token counts the reference's benchmark reports for its schedule (schedule_tokens)
        int[] schedule = {7, 21, 32, 38, 38, 32, 21, 7};
        long expected = 0;
        int decoded = 0;
        for (int tokens : schedule) {
            expected += pass(1, 196 + decoded, decoded, 196 - decoded);
            decoded += tokens;
        }
        assertThat(decoded).isEqualTo(196);
        assertThat(InferBench.flops("maskgit8", 1)).isEqualTo(expected);
        assertThat(InferBench.flops("maskgit8", 8)).isEqualTo(8 * expected);
    }

    @Test
    void cachedCaptionDecodingCostsLessThanOnePassOverTheGrid() {
        long caption = InferBench.flops("caption32", 1);
        long encoderOnly = FlopCounter.forward(TINY, new FlopCounter.StepShape(1, 196, 0,
                Map.of("tok_rgb@224", 196L), Map.of())).encoder();
        // 32 steps of one query each: the head (2 * 384 * 30000 per token) and the blocks are small next to the encoder
        long heads = 32L * 2 * 384 * 30000;
        assertThat(caption - encoderOnly).isGreaterThan(heads).isLessThan(encoderOnly);
        assertThat(caption).isLessThan(InferBench.flops("roar1", 1));
        assertThat(InferBench.flops("caption32", 8)).isEqualTo(8 * caption);
    }

    @Test
    void unknownTasksAndBadBatchesAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> InferBench.flops("roar2", 1));
        assertThatIllegalArgumentException().isThrownBy(() -> InferBench.flops("roar1", 0));
    }
}
