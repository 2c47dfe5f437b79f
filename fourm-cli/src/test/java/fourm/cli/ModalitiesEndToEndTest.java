package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code fourm modalities} on the module path, in a child JVM: the 19 reference keys with the reference's vocabulary
 * and token counts, and plugins coming and going with their jars.
 */
class ModalitiesEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** A modality fact of spec-4m.md §1.2 and §1.3: vocabulary (null: values, no tokens), token count, id. */
    private record Fact(Integer vocab, int tokens, boolean decoder, int modalityId) {
    }

    /** The 19 keys of 4M-21 (spec-4m.md §1.1) with their vocabulary, tokens, target side and id (§1.2, §1.3). */
    private static final Map<String, Fact> REFERENCE = new LinkedHashMap<>();

    static {
        REFERENCE.put("rgb@224", new Fact(null, 196, false, 20716));
        REFERENCE.put("tok_rgb@224", new Fact(16384, 196, true, 11606));
        REFERENCE.put("tok_depth@224", new Fact(8192, 196, true, 20063));
        REFERENCE.put("tok_normal@224", new Fact(8192, 196, true, 16656));
        REFERENCE.put("tok_semseg@224", new Fact(4096, 196, true, 12515));
        REFERENCE.put("tok_clip@224", new Fact(8192, 196, true, 11422));
        REFERENCE.put("tok_canny_edge@224", new Fact(8192, 196, true, 12520));
        REFERENCE.put("tok_sam_edge@224", new Fact(8192, 196, true, 7842));
        REFERENCE.put("tok_dinov2@224", new Fact(8192, 256, true, 26275));
        REFERENCE.put("tok_imagebind@224", new Fact(8192, 256, true, 6200));
        REFERENCE.put("tok_dinov2_global", new Fact(8192, 16, true, 29172));
        REFERENCE.put("tok_imagebind_global", new Fact(8192, 16, true, 12099));
        REFERENCE.put("caption", new Fact(30000, 256, true, 32652));
        REFERENCE.put("det", new Fact(30000, 256, true, 30982));
        REFERENCE.put("metadata", new Fact(30000, 40, true, 1951));
        REFERENCE.put("human_poses", new Fact(30000, 275, true, 30584));
        REFERENCE.put("color_palette", new Fact(30000, 23, true, 12967));
        REFERENCE.put("sam_instance", new Fact(30000, 290, true, 1938));
        REFERENCE.put("t5_caption", new Fact(null, 77, false, 28551));
    }

    @Test
    void listsExactlyTheNineteenReferenceKeysWithTheirVocabularyAndTokenCounts() {
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "modalities", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, JsonObject> listed = byKey(r.stdout());

        assertThat(listed.keySet()).as(r.toString()).containsExactlyInAnyOrderElementsOf(REFERENCE.keySet());
        REFERENCE.forEach((key, fact) -> {
            JsonObject m = listed.get(key);
            if (fact.vocab() == null) {
                assertThat(m.get("vocabSize").isJsonNull()).as(key + " vocabSize").isTrue();
            } else {
                assertThat(m.get("vocabSize").getAsInt()).as(key + " vocabSize").isEqualTo(fact.vocab());
            }
            assertThat(m.get("maxTokens").getAsInt()).as(key + " maxTokens").isEqualTo(fact.tokens());
            assertThat(m.get("encoder").getAsBoolean()).as(key + " encoder").isTrue();
            assertThat(m.get("decoder").getAsBoolean()).as(key + " decoder").isEqualTo(fact.decoder());
            assertThat(m.get("generation").isJsonNull()).as(key + " generation").isEqualTo(!fact.decoder());
            assertThat(m.get("modalityId").getAsInt()).as(key + " modalityId").isEqualTo(fact.modalityId());
            assertThat(m.get("module").getAsString()).as(key + " module").startsWith("fourm.modality.");
            for (String field : List.of("key", "kind", "maxLength", "imageSize", "patchSize", "positional",
                    "masking")) {
                assertThat(m.has(field)).as(key + " has " + field).isTrue();
            }
            JsonObject tokenizer = m.getAsJsonObject("tokenizer");
            assertThat(tokenizer).as(key + " tokenizer").isNotNull();
            assertThat(tokenizer.get("type").getAsString()).as(key + " tokenizer type").isNotBlank();
            assertThat(tokenizer.has("checkpoint")).as(key + " tokenizer checkpoint").isTrue();
            assertThat(tokenizer.get("checkpoint").isJsonNull() || tokenizer.get("checkpoint").isJsonPrimitive())
                    .as(key + " tokenizer checkpoint: a path or null").isTrue();
        });
        // Pixels and continuous embeddings enter the model as they are.
        assertThat(listed.get("rgb@224").getAsJsonObject("tokenizer").get("type").getAsString())
                .isEqualTo("continuous");
        assertThat(listed.get("t5_caption").getAsJsonObject("tokenizer").get("type").getAsString())
                .isEqualTo("continuous");
        // human_poses: 275 tokens in the masking budget, 263 rows in its positional table (spec-4m.md §1.2).
        assertThat(listed.get("human_poses").get("maxLength").getAsInt()).isEqualTo(263);
        assertThat(listed.get("tok_dinov2_global").get("positional").getAsString()).isEqualTo("learned");
        assertThat(listed.get("tok_dinov2@224").get("patchSize").getAsInt()).isEqualTo(14);
    }

    @Test
    void noModalityWithAVocabularyIsPretokenized() {
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "modalities", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        byKey(r.stdout()).forEach((key, m) -> {
            String type = m.getAsJsonObject("tokenizer").get("type").getAsString();
            if (m.get("vocabSize").isJsonNull()) {
                assertThat(type).as(key + ": values enter the model as they are").isEqualTo("continuous");
            } else {
                assertThat(type).as(key + ": a discrete modality brings its tokenizer").isNotEqualTo("pretokenized");
            }
        });
    }

    @Test
    void tableShowsOneRowPerModalityAndTheCount() {
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "modalities");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.stdout().lines().collect(Collectors.toList());
        assertThat(lines.get(0)).startsWith("KEY").contains("KIND", "TOKENIZER", "VOCAB", "TOKENS", "POSITIONAL", "ENC/DEC",
                "GENERATION", "MODULE");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("tok_rgb@224 ").contains("16384", "196",
                "enc+dec", "roar", "fourm.modality.rgb"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("t5_caption ").contains(" continuous ", " - ", "77",
                " enc "));
        assertThat(lines.get(lines.size() - 1)).isEqualTo(REFERENCE.size() + " modalities");
        assertThat(lines).hasSize(REFERENCE.size() + 2);
    }

    @Test
    void removingModalityDepthsJarRemovesTokDepthAndNothingElse() {
        List<Path> withoutDepth = ModulePathRun.libJars().stream()
                .filter(p -> !p.getFileName().toString().startsWith("modality-depth-"))
                .collect(Collectors.toList());
        assertThat(withoutDepth).hasSize(ModulePathRun.libJars().size() - 1);

        Set<String> all = byKey(run(ModulePathRun.modulePath(ModulePathRun.libJars()))).keySet();
        Set<String> without = byKey(run(ModulePathRun.modulePath(withoutDepth))).keySet();

        Set<String> removed = new TreeSet<>(all);
        removed.removeAll(without);
        assertThat(removed).containsExactly("tok_depth@224");
        assertThat(all).containsAll(without);
    }

    @Test
    void addingTheExamplePluginsJarAddsTokThermal() {
        Path example = ModulePathRun.jar(ModulePathRun.TEST_PLUGINS, "example-custom-modality");
        List<Path> jars = new ArrayList<>(ModulePathRun.libJars());
        assertThat(jars).noneMatch(p -> p.getFileName().toString().startsWith("example-custom-modality"));
        Map<String, JsonObject> before = byKey(run(ModulePathRun.modulePath(jars)));
        jars.add(example);
        Map<String, JsonObject> after = byKey(run(ModulePathRun.modulePath(jars)));

        Set<String> added = new TreeSet<>(after.keySet());
        added.removeAll(before.keySet());
        assertThat(added).containsExactly("tok_thermal@64");
        assertThat(after.keySet()).containsAll(before.keySet());
        JsonObject thermal = after.get("tok_thermal@64");
        assertThat(thermal.get("module").getAsString()).isEqualTo("fourm.examples.custom.modality");
        // A 32x64 map as a 2x4 grid; a learned tokenizer with no checkpoint configured by default.
        assertThat(thermal.get("maxTokens").getAsInt()).isEqualTo(8);
        assertThat(thermal.get("imageSize").getAsInt()).isEqualTo(32);
        assertThat(thermal.getAsJsonObject("tokenizer").get("type").getAsString()).isEqualTo("vq-vae");
        assertThat(thermal.getAsJsonObject("tokenizer").get("checkpoint").isJsonNull()).isTrue();
    }

    private static String run(List<Path> modulePath) {
        ModulePathRun.Result r = ModulePathRun.fourm(modulePath, TIMEOUT, "modalities", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.stdout();
    }

    static Map<String, JsonObject> byKey(String json) {
        Map<String, JsonObject> out = new LinkedHashMap<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            JsonObject previous = out.put(o.get("key").getAsString(), o);
            assertThat(previous).as("key listed twice: " + o.get("key")).isNull();
        }
        return out;
    }
}
