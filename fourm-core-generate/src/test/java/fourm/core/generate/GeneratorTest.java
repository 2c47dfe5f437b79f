package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.PositionalScheme;
import fourm.core.batch.MaskedBatch;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.model.Checkpoints;
import fourm.core.model.testing.TestModalities;
import fourm.core.model.FourMModel;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The few-line API on the golden model: inputs by key (ids and raw text through a tokenizer), results by key. */
class GeneratorTest {
    private static FourMModel model;
    private static long[] rgb;

    @BeforeAll
    static void load() throws IOException {
        model = Checkpoints.load(SharedFiles.require("reference/golden/swiglu_nobias/model.safetensors"),
                TestModalities.reference());
        MaskedBatch golden = MaskedBatchFiles.read(SharedFiles.require("reference/golden/inputs.safetensors"));
        rgb = Arrays.copyOf(golden.modalities().get("tok_rgb@224").ids(), 196);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** A toy caption tokenizer over the golden vocabulary: words w0..w23 are ids 104..127. */
    static final class WordTokenizer implements ModalityTokenizer<String> {
        @Override
        public Class<String> valueType() {
            return String.class;
        }

        @Override
        public int[] encode(String value) {
            return Arrays.stream(value.trim().split("\\s+")).mapToInt(w -> 104 + Integer.parseInt(w.substring(1)))
                    .toArray();
        }

        @Override
        public String decode(int[] tokens) {
            StringBuilder sb = new StringBuilder();
            for (int t : tokens) {
                sb.append(sb.length() == 0 ? "" : " ").append(t >= 104 ? "w" + (t - 104) : "<" + t + ">");
            }
            return sb.toString();
        }
    }

    static Modality caption() {
        ModalitySpec spec = ModalitySpec.builder("caption", ModalityKind.TOKEN_SEQUENCE).optVocabSize(128)
                .setMaxTokens(256).setPositional(PositionalScheme.SINCOS_1D).setEncoder(true).setDecoder(true)
                .setMasking(MaskingPolicy.SPAN)
                .optGeneration(new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 1.0, 0.8))
                .build();
        return Modality.of(spec, new WordTokenizer());
    }

    @Test
    void generatesFromIdsAndRawTextAndDecodesResults() {
        Generator g = Generator.builder(model).modalities(Map.of("caption", caption())).build();
        GenerationPlan plan = GenerationPlan.builder().condition("tok_rgb@224", "caption")
                .target("tok_depth@224", Step.roar(4).temperature(1.0).cfgScale(2.0)).topP(0.9).build();
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("caption", "w1 w5 w7");
        in.put("tok_rgb@224", rgb);
        GenerationResult r = g.generate(in, plan, 7);
        assertThat(r.tokens("tok_depth@224")).hasSize(196);
        assertThat(Arrays.stream(r.tokens("tok_depth@224")).allMatch(t -> t >= 0 && t < 128)).isTrue();
        assertThat(r.tokens("tok_rgb@224")).containsExactly(Arrays.stream(rgb).mapToInt(x -> (int) x).toArray());
        // the caption input gets [EOS] appended, and decodes back through the tokenizer
        assertThat(r.tokens("caption")).containsExactly(105, 109, 111, 3);
        assertThat(r.decoded("caption")).contains("w1 w5 w7 <3>");
        assertThat(r.decoded("tok_depth@224")).isEmpty();
        // encoder order follows the model's domains, not the map's
        assertThat(r.batch().modalities().keySet()).containsExactly("caption", "tok_depth@224", "tok_rgb@224");

        // the same seed gives the same tokens; a batch of two identical samples gives them for both samples
        GenerationResult again = g.generate(in, plan, 7);
        assertThat(again.tokens("tok_depth@224")).containsExactly(r.tokens("tok_depth@224"));
        GenerationPlan greedy = GenerationPlan.builder().condition("tok_rgb@224", "caption")
                .target("tok_depth@224", Step.roar(4).temperature(0).cfgScale(2.0)).build();
        GenerationResult two = g.generate(List.of(in, in), greedy, 7);
        assertThat(two.ids("tok_depth@224", 0)).containsExactly(two.ids("tok_depth@224", 1));
    }

    @Test
    void generatesACaptionAndMergesIt() {
        Generator g = Generator.builder(model).modalities(Map.of("caption", caption())).build();
        GenerationPlan plan = GenerationPlan.builder().condition("tok_rgb@224")
                .target("caption", Step.autoregressive().temperature(0.7).tokens(10)).build();
        GenerationResult r = g.generate(Map.of("tok_rgb@224", rgb), plan, 3);
        long[] cap = r.ids("caption", 0);
        assertThat(cap.length).isLessThanOrEqualTo(9);
        assertThat(cap).doesNotContain(5L, 6L);
        assertThat(r.decoded("caption")).isPresent();
    }

    @Test
    void badInputsAreNamed() {
        Generator g = Generator.builder(model).build();
        GenerationPlan plan = GenerationPlan.builder().target("tok_depth@224", Step.roar(2)).build();
        assertThatIllegalArgumentException().isThrownBy(() -> g.generate(Map.of("caption", "w1"), plan, 1))
                .withMessageContaining("caption: a String needs the modality's tokenizer");
        assertThatIllegalArgumentException().isThrownBy(() -> g.generate(Map.of("tok_rgb@224", new int[5]), plan, 1))
                .withMessageContaining("tok_rgb@224, sample 0: 5 token ids, the grid has 196");
        assertThatIllegalArgumentException().isThrownBy(() -> g.generate(Map.of("tok_depth@224", rgb), plan, 1))
                .withMessageContaining("both an input and a target");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> g.generate(Map.of("tok_rgb@224", new long[196 - 1]), plan, 1))
                .withMessageContaining("195 token ids");
        long[] big = rgb.clone();
        big[3] = 999;
        assertThatIllegalArgumentException().isThrownBy(() -> g.generate(Map.of("tok_rgb@224", big), plan, 1))
                .withMessageContaining("token id 999 at index 3 is outside the vocabulary [0, 256)");
    }
}
