package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rule that makes modalities plugins: the main code of fourm-core, fourm-vq and fourm-cli names no modality
 * (no string literal of a modality key; comments may name them) and does not switch over the closed sets of modality
 * kinds, positional schemes, masking policies or image families, except inside the kit packages that implement
 * them. The framework calls the plugin's objects (its layout, masking, tokenizer, format) instead.
 *
 * <p>To list what a disabled rule still finds: {@code mvn -B -o -q verify -pl fourm-cli -am
 * -Dtest=CoreNamesNoModalityTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}.
 */
class CoreNamesNoModalityTest {
    /**
     * The modules whose main code the rule covers: fourm-core and the engine modules split from it
     * ({@code fourm-core-*}), fourm-vq and its parts ({@code fourm-vq-*}), and the command line.
     */
    static final List<String> MODULES = modules("fourm-core", "fourm-vq", "fourm-cli");

    /** The 19 modality keys of 4M-21. */
    static final Set<String> KEYS = Set.of("rgb@224", "tok_rgb@224", "tok_depth@224", "tok_normal@224",
            "tok_semseg@224", "tok_clip@224", "tok_canny_edge@224", "tok_sam_edge@224", "tok_dinov2@224",
            "tok_imagebind@224", "tok_dinov2_global", "tok_imagebind_global", "caption", "det", "metadata",
            "human_poses", "color_palette", "sam_instance", "t5_caption");

    /**
     * The enums a switch must not go over outside the kits: {@code ModalityKind}, {@code PositionalScheme},
     * {@code MaskingPolicy} (fourm-api) and fourm-vq's {@code ModalityFamily}. {@code GenerationScheme} is left out:
     * choosing a sampling schedule by scheme is generation's own business, not a modality's.
     */
    static final List<String> ENUMS = List.of("ModalityKind", "PositionalScheme", "MaskingPolicy", "ModalityFamily");

    /** Packages (and their subpackages) of these modules that implement the kinds and may switch over them. */
    static final List<String> KIT_PACKAGES = List.of();

    @Test
    void theScanSeesLiteralsButNotCommentsAndFindsSwitchesOverAnEnum() {
        JavaSourceScan scan = JavaSourceScan.of("""
                package a.b;
                // "caption" in a line comment
                /* "tok_rgb@224" in a block comment */
                class X {
                    /** Javadoc naming "det". */
                    String a = "caption";
                    String b = "modalities: tok_rgb@224, tok_depth@224";
                    String c = "a caption, in prose";
                    char q = '"';
                    String d = \"""
                        human_poses
                        \""";
                    int f(Kind k, int n) {
                        int x = switch (k) { case IMAGE_TOKENS, GLOBAL_TOKENS -> 1; default -> switch (n) {
                            case 1 -> 2; default -> 3; }; };
                        switch (k) {
                            case SPAN: return 1;
                            default: return x;
                        }
                    }
                }
                """);
        assertThat(scan.packageName()).isEqualTo("a.b");
        assertThat(scan.literals()).extracting(l -> l.content().strip())
                .containsExactly("caption", "modalities: tok_rgb@224, tok_depth@224", "a caption, in prose",
                        "human_poses");
        assertThat(scan.literals().get(0).line()).isEqualTo(6);
        assertThat(keysIn("caption")).containsExactly("caption");
        assertThat(keysIn("modalities: tok_rgb@224, tok_depth@224")).containsExactly("tok_rgb@224", "tok_depth@224");
        assertThat(keysIn("a caption, in prose")).as("a plain word inside prose is not a key").isEmpty();
        assertThat(keysIn("fourm.modality.depth.tok_depth")).isEmpty();
        assertThat(scan.switches()).extracting(JavaSourceScan.Switch::labels)
                .containsExactly(List.of("IMAGE_TOKENS", "GLOBAL_TOKENS"), List.of(), List.of("SPAN"));

        JavaSourceScan kinds = JavaSourceScan.of("enum Kind { @Deprecated IMAGE_TOKENS(1, \"x\") { }, GLOBAL_TOKENS;"
                + " Kind() { } }");
        assertThat(kinds.enumConstants("Kind")).contains(Set.of("IMAGE_TOKENS", "GLOBAL_TOKENS"));
        assertThat(kinds.enumConstants("Other")).isEmpty();
    }

    @Test
    void theScanOfTheRealTreesFindsKeysInTestsAndTheEnumsTheRuleGuards() {
        // The rules pass only because nothing is found; make sure the same code finds what is there. The CLI's
        // tests name all 19 keys, and fourm-api declares the kinds.
        List<String> inTests = keyLiterals(List.of("fourm-cli/src/test/java"));
        assertThat(KEYS).allSatisfy(k -> assertThat(inTests).anyMatch(v -> v.contains(": " + k + " in ")));
        assertThat(MODULES).as("the modules the rules cover, found by folder name")
                .contains("fourm-core", "fourm-core-model", "fourm-core-generate", "fourm-vq", "fourm-cli");
        Map<String, Set<String>> enums = enumConstants(JavaSourceScan.repositoryRoot());
        assertThat(enums).containsKey("ModalityKind");
        assertThat(enums.get("ModalityKind")).contains("IMAGE_TOKENS", "TOKEN_SEQUENCE");
    }

    @Test
    void noModalityKeyLiteralInCoreVqOrCliMainCode() {
        List<String> trees = MODULES.stream().map(m -> m + "/src/main/java").toList();
        assertThat(keyLiterals(trees)).as("string literals naming a modality key in main code (move the fact into"
                + " the plugin, or read it from the registry)").isEmpty();
    }

    @Test
    void noSwitchOverModalityKindsOrFamiliesOutsideTheKits() {
        assertThat(enumSwitches(MODULES)).as("switches over a closed set of modality kinds outside the kits (call"
                + " the plugin's TokenLayout, masking or tokenizer instead)").isEmpty();
    }

    /**
     * The module folders of the repository named {@code family} or {@code family-*} for each family, in order: the
     * rule follows a module when it is split into parts.
     */
    static List<String> modules(String... families) {
        Path root = JavaSourceScan.repositoryRoot();
        List<String> out = new ArrayList<>();
        for (String family : families) {
            try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(root)) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> n.equals(family) || n.startsWith(family + "-"))
                        .filter(n -> java.nio.file.Files.isDirectory(root.resolve(n).resolve("src/main/java")))
                        .sorted().forEach(out::add);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Every key literal in the source trees (paths relative to the repository root), as
     * {@code path:line: key in source line}.
     */
    static List<String> keyLiterals(List<String> trees) {
        Path root = JavaSourceScan.repositoryRoot();
        List<String> out = new ArrayList<>();
        for (String tree : trees) {
            for (Path file : JavaSourceScan.javaFiles(root.resolve(tree))) {
                JavaSourceScan scan = JavaSourceScan.of(file);
                for (JavaSourceScan.Literal l : scan.literals()) {
                    for (String key : keysIn(l.content())) {
                        out.add(root.relativize(file) + ":" + l.line() + ": " + key + " in " + scan.line(l.line()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Every switch whose case labels are all constants of one of {@link #ENUMS}, outside {@link #KIT_PACKAGES}, as
     * {@code path:line: Enum}.
     */
    static List<String> enumSwitches(List<String> modules) {
        Path root = JavaSourceScan.repositoryRoot();
        Map<String, Set<String>> enums = enumConstants(root);
        List<String> out = new ArrayList<>();
        for (String module : modules) {
            for (Path file : JavaSourceScan.javaFiles(root.resolve(module).resolve("src/main/java"))) {
                JavaSourceScan scan = JavaSourceScan.of(file);
                String pkg = scan.packageName();
                if (KIT_PACKAGES.stream().anyMatch(k -> pkg.equals(k) || pkg.startsWith(k + "."))) {
                    continue;
                }
                for (JavaSourceScan.Switch s : scan.switches()) {
                    enums.forEach((name, constants) -> {
                        if (!s.labels().isEmpty() && constants.containsAll(s.labels())) {
                            out.add(root.relativize(file) + ":" + s.line() + ": switch over " + name + " "
                                    + s.labels());
                        }
                    });
                }
            }
        }
        return out;
    }

    /** The constants of each of {@link #ENUMS} that is still declared in some module's main code. */
    static Map<String, Set<String>> enumConstants(Path root) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String module : modules("fourm-api", "fourm-core", "fourm-vq")) {
            for (Path file : JavaSourceScan.javaFiles(root.resolve(module).resolve("src/main/java"))) {
                String name = file.getFileName().toString().replace(".java", "");
                if (ENUMS.contains(name)) {
                    Optional<Set<String>> constants = JavaSourceScan.of(file).enumConstants(name);
                    constants.ifPresent(c -> out.put(name, c));
                }
            }
        }
        return out;
    }

    /**
     * The modality keys a literal names: the whole literal when it is a key; keys with {@code _} or {@code @} also
     * when they stand as a word inside a longer literal (a plain word such as {@code caption} inside prose is not a
     * key).
     */
    static List<String> keysIn(String literal) {
        List<String> out = new ArrayList<>();
        if (KEYS.contains(literal.strip())) {
            out.add(literal.strip());
            return out;
        }
        for (String word : literal.split("[^A-Za-z0-9_@]+")) {
            if (KEYS.contains(word) && (word.contains("_") || word.contains("@"))) {
                out.add(word);
            }
        }
        return out;
    }
}
