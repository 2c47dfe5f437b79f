package fourm.core.generate.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.PositionalScheme;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.Generator;
import fourm.core.generate.Step;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.MlpKind;
import fourm.core.model.ReferenceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user-level sampler on a small random model: defaults from the modalities' generation settings and overrides,
 * short names, chained and unchained generation (each target checked against the plan the sampler must have run),
 * decoding through the tokenizers, the mistakes it reports, and loading the released layout (config.json beside).
 */
class AnyToAnyTest {
    private static FourMModel model;
    private static Map<String, Modality> modalities;

    /** A grid's raw value in these tests: its ids, wrapped so that the sampler has to go through the tokenizer. */
    record Ids(int[] ids) {
    }

    static final class GridTokenizer implements ModalityTokenizer<Ids> {
        @Override
        public Class<Ids> valueType() {
            return Ids.class;
        }

        @Override
        public int[] encode(Ids value) {
            if (value.ids().length != 16) {
                throw new IllegalArgumentException("a grid of 16 ids, got " + value.ids().length);
            }
            return value.ids().clone();
        }

        @Override
        public Ids decode(int[] tokens) {
            return new Ids(tokens.clone());
        }
    }

    /** Words w0..w23 are ids 104..127. */
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

    static ModalitySpec grid(String key, DecoderStrategy d) {
        return ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(32).optImageSize(4).optPatchSize(1)
                .setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(true)
                .setMasking(MaskingPolicy.RANDOM_TOKENS).optGeneration(d).build();
    }

    @BeforeAll
    static void create() {
        ModalitySpec a = grid("tok_a@4", new DecoderStrategy(GenerationScheme.MASKGIT, 3, 0.5, "constant", 1.5, 0.9));
        ModalitySpec b = grid("tok_b@4", new DecoderStrategy(GenerationScheme.ROAR, 40, 0.0, "constant", 1.0, 1.0));
        ModalitySpec caption = ModalitySpec.builder("caption", ModalityKind.TOKEN_SEQUENCE).optVocabSize(128)
                .setMaxTokens(8).setPositional(PositionalScheme.SINCOS_1D).setEncoder(true).setDecoder(true)
                .setMasking(MaskingPolicy.SPAN)
                .optGeneration(new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.7, "constant", 1.0, 0.8))
                .build();
        FourMConfig config = FourMConfig.builder().dim(16).encoderDepth(1).decoderDepth(1).numHeads(2)
                .mlp(MlpKind.SWIGLU).qkvBias(false).projBias(false).mlpBias(false).normBias(false)
                .modality(a, true, true).modality(b, true, true).modality(caption, true, true).build();
        model = FourMModel.create(config, 11);
        modalities = new LinkedHashMap<>();
        modalities.put("tok_a@4", Modality.of(a, new GridTokenizer()));
        modalities.put("tok_b@4", Modality.of(b, new GridTokenizer()));
        modalities.put("caption", Modality.of(caption, new WordTokenizer()));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    static AnyToAny.Builder sampler() {
        return AnyToAny.builder().optModel(model).optModalities(modalities);
    }

    @Test
    void stepsComeFromTheModalitiesDefaultsAndOverrides() throws IOException {
        try (AnyToAny s = sampler().optStep("caption", st -> st.temperature(0.1)).optTopP("b", 0.5).build()) {
            assertThat(s.step("tok_a@4")).isEqualTo(Step.maskgit(3).temperature(0.5).cfgScale(1.5));
            assertThat(s.topP("a")).isEqualTo(0.9);
            // 40 ROAR steps do not fit a 16-token grid: one token a step at most.
            assertThat(s.step("b")).isEqualTo(Step.roar(16).temperature(0.0));
            assertThat(s.topP("tok_b@4")).isEqualTo(0.5);
            assertThat(s.step("caption")).isEqualTo(Step.autoregressive().temperature(0.1));
        }
    }

    @Test
    void shortNamesResolveAndUnknownOnesListTheModel() throws IOException {
        try (AnyToAny s = sampler().build()) {
            assertThat(s.resolve("a")).isEqualTo("tok_a@4");
            assertThat(s.resolve("tok_b")).isEqualTo("tok_b@4");
            assertThat(s.resolve("caption")).isEqualTo("caption");
            assertThatThrownBy(() -> s.resolve("depth")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown modality 'depth'").hasMessageContaining("tok_a@4, tok_b@4, caption");
        }
    }

    @Test
    void chainedTargetsConditionTheNextOnesAndAreDecoded() throws IOException {
        int[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        Generator g = Generator.builder(model).modalities(modalities).build();
        try (AnyToAny chained = sampler().optTargets("b", "caption").optSeed(5).build();
             AnyToAny unchained = sampler().optTargets("b", "caption").optSeed(5).optChained(false).build()) {
            Prediction p = chained.predict(Map.of("a", new Ids(a)));
            assertThat(p.targets()).containsExactly("tok_b@4", "caption");
            assertThat(p.inputIds().get("tok_a@4")).containsExactly(a);
            int[] b = p.value("tok_b@4", Ids.class).ids();
            assertThat(Arrays.stream(b).boxed()).hasSize(16).allSatisfy(id -> assertThat(id).isBetween(0, 31));
            assertThat(p.tokens().get("tok_b@4")).containsExactly(b);
            // The plans the sampler must have run: b from a (seed 5), the caption from a and b (seed 6).
            int[] expectB = g.generate(Map.of("tok_a@4", a), GenerationPlan.builder().condition("tok_a@4")
                    .target("tok_b@4", chained.step("b")).topP(1.0).build(), 5).tokens("tok_b@4");
            assertThat(b).containsExactly(expectB);
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("tok_a@4", a);
            both.put("tok_b@4", b);
            int[] expectCaption = body(g.generate(both, GenerationPlan.builder().condition("tok_a@4", "tok_b@4")
                    .target("caption", chained.step("caption")).topP(0.8).build(), 6).tokens("caption"));
            assertThat(p.tokens().get("caption")).containsExactly(expectCaption);
            assertThat(p.value("caption", String.class)).isEqualTo(new WordTokenizer().decode(expectCaption));

            Prediction u = unchained.predict(Map.of("a", new Ids(a)));
            int[] alone = body(g.generate(Map.of("tok_a@4", a), GenerationPlan.builder().condition("tok_a@4")
                    .target("caption", unchained.step("caption")).topP(0.8).build(), 6).tokens("caption"));
            assertThat(u.tokens().get("caption")).containsExactly(alone);
        }
    }

    private static int[] body(int[] ids) {
        int n = 0;
        while (n < ids.length && ids[n] != 3) {
            n++;
        }
        return Arrays.copyOf(ids, n);
    }

    @Test
    void mistakesNameTheModality() throws IOException {
        try (AnyToAny s = sampler().build()) {
            Map<String, Object> in = Map.of("caption", "w1 w2");
            assertThatThrownBy(() -> s.predict(in, List.of("caption"))).hasMessageContaining("'caption' is both an"
                    + " input and a target");
            assertThatThrownBy(() -> s.predict(Map.of("a", "w1"), List.of("b")))
                    .hasMessageContaining("input 'tok_a@4'").hasMessageContaining("takes a Ids, got a String");
            assertThatThrownBy(() -> s.predict(Map.of("a", new Ids(new int[3])), List.of("b")))
                    .hasMessageContaining("input 'tok_a@4'").hasMessageContaining("16 ids, got 3");
            assertThatThrownBy(() -> s.predict(in, List.of()))
                    .hasMessageContaining("no target");
        }
        Map<String, Modality> pre = new LinkedHashMap<>(modalities);
        pre.put("tok_b@4", Modality.pretokenized(modalities.get("tok_b@4").spec()));
        try (AnyToAny s = AnyToAny.builder().optModel(model).optModalities(pre).build()) {
            assertThatThrownBy(() -> s.requireTarget("b")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("target 'tok_b@4'").hasMessageContaining("pre-tokenized");
        }
    }

    @Test
    void theReleasedLayoutLoadsWithItsConfigBeside(@TempDir Path dir) throws IOException {
        Path saved = dir.resolve("saved.safetensors");
        Checkpoints.save(model, saved, Map.of());
        // The released layout: the weights without fourm's metadata, the config as config.json beside them.
        Path folder = dir.resolve("released");
        Files.createDirectories(folder);
        try (SafetensorsReader r = SafetensorsReader.open(saved)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String k : r.keys()) {
                var t = r.info(k);
                w.add(k, t.dtype(), t.shape(), r.bytes(k));
            }
            w.write(folder.resolve("model.safetensors"));
            Files.writeString(folder.resolve(ModelFiles.CONFIG), r.metadata().get(ReferenceConfig.CONFIG_KEY),
                    StandardCharsets.UTF_8);
        }
        try (AnyToAny s = AnyToAny.builder().optModelPath(folder).optModalities(modalities).build()) {
            assertThat(s.config().modalities().keySet()).containsExactly("tok_a@4", "tok_b@4", "caption");
            assertThat(s.config().dim()).isEqualTo(16);
        }
        Files.delete(folder.resolve(ModelFiles.CONFIG));
        assertThatThrownBy(() -> AnyToAny.builder().optModelPath(folder).optModalities(modalities).build())
                .hasMessageContaining("no model config");
        assertThatThrownBy(() -> ModelFiles.weights(dir.resolve("none"))).hasMessageContaining("no 4M model here");
    }
}
