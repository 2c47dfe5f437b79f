package fourm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import fourm.core.batch.ModalityTensors;
import fourm.core.model.FlopCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark configurations: the sizes the task states, seeded batches within the budgets. */
class BenchConfigTest {

    @Test
    void tinyIsTheReferencesTinyPresetWithTheReleasedVocabularies() {
        BenchConfig t = BenchConfig.tiny();
        assertThat(t.model().dim()).isEqualTo(384);
        assertThat(t.model().encoderDepth()).isEqualTo(6);
        assertThat(t.model().decoderDepth()).isEqualTo(6);
        assertThat(t.model().numHeads()).isEqualTo(6);
        assertThat(t.model().qkvBias()).isFalse();
        assertThat(t.model().vocabSize("tok_rgb@224")).isEqualTo(16384);
        assertThat(t.model().vocabSize("tok_depth@224")).isEqualTo(8192);
        assertThat(t.model().vocabSize("tok_normal@224")).isEqualTo(8192);
        assertThat(t.model().vocabSize("caption")).isEqualTo(30000);
        assertThat(t.batchSize()).isEqualTo(8);
        assertThat(t.tokens()).isEqualTo(128);
        assertThat(t.tokensPerStep()).isEqualTo(2048);

        BenchConfig m = BenchConfig.byName("micro");
        assertThat(m.model().dim()).isEqualTo(256);
        assertThat(m.model().encoderDepth() + m.model().decoderDepth()).isEqualTo(8);
        assertThat(m.model().vocabSize("tok_normal@224")).isEqualTo(1024);
        assertThat(m.model().vocabSize("caption")).isEqualTo(4096);
        assertThat(m.batchSize() * 2 * m.tokens()).isEqualTo(2048);
        assertThatIllegalArgumentException().isThrownBy(() -> BenchConfig.byName("huge")).withMessageContaining("tiny");
    }

    @Test
    void batchesAreSeededAndFillTheTargetBudget() {
        BenchConfig m = BenchConfig.micro();
        List<BenchConfig.Batch> a = m.batches(3);
        List<BenchConfig.Batch> b = m.batches(3);
        for (int i = 0; i < 3; i++) {
            assertThat(a.get(i).order()).isEqualTo(b.get(i).order())
                    .containsExactlyInAnyOrderElementsOf(m.specs().keySet());
            for (String key : m.specs().keySet()) {
                ModalityTensors x = a.get(i).batch().modalities().get(key);
                ModalityTensors y = b.get(i).batch().modalities().get(key);
                assertThat(x.ids()).as(key).containsExactly(y.ids());
                assertThat(x.inputMask()).as(key).containsExactly(y.inputMask());
                assertThat(x.targetMask()).as(key).containsExactly(y.targetMask());
            }
            FlopCounter.StepShape s = FlopCounter.shapeOf(m.model(), a.get(i).batch(), a.get(i).order(), m.tokens(),
                    m.tokens());
            long targets = s.targetRows().values().stream().mapToLong(Long::longValue).sum();
            long inputs = s.encoderRows().values().stream().mapToLong(Long::longValue).sum();
            assertThat(targets).isBetween((long) m.batchSize() * m.tokens() * 9 / 10, (long) m.batchSize() * m.tokens());
            assertThat(inputs).isBetween((long) m.batchSize() * m.tokens() * 8 / 10, (long) m.batchSize() * m.tokens());
        }
        assertThat(a.get(0).batch().modalities().get("tok_rgb@224").ids())
                .isNotEqualTo(a.get(1).batch().modalities().get("tok_rgb@224").ids());
        assertThat(m.meanFlops(a, true)).isEqualTo(3 * m.meanFlops(a, false));
    }
}
