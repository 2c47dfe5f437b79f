package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configuration and conflicting plugins fail at start-up, in a child JVM on the module path: exit code 2, one line
 * on stderr naming the key, the file or module, and what was expected; no stack trace unless {@code --verbose}.
 */
class StartupErrorsEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void twoProvidersOfOneKeyFailNamingBothModules() throws IOException {
        Path dup = duplicateCaptionPlugin();
        List<Path> jars = new ArrayList<>(ModulePathRun.libJars());
        jars.add(dup);

        for (String command : List.of("modalities", "config")) {
            ModulePathRun.Result r = ModulePathRun.fourm(ModulePathRun.modulePath(jars), TIMEOUT, command);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
            assertOneLineError(r);
            assertThat(r.stderr()).contains("'caption'", "module fourm.test.dup", "module fourm.modality.text");
            assertThat(r.stdout()).isEmpty();
        }
    }

    @Test
    void unknownModalityNamesTheKeyTheFileAndTheKnownKeys() throws IOException {
        Path file = write("unknown.conf", "fourm.experiment.modalities = [\"caption\", \"tok_nope@224\"]\n");
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "modalities", "-c", file.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertOneLineError(r);
        assertThat(r.stderr()).contains("fourm.experiment.modalities", file.toString(), "tok_nope@224",
                "caption", "tok_depth@224", "t5_caption");
    }

    @Test
    void wrongTypeNamesTheKeyTheFileAndTheExpectedType() throws IOException {
        Path file = write("wrong-type.conf", "fourm.modality.rgb.tokens.vocab-size = \"big\"\n");
        // The global option may come before or after the subcommand.
        for (List<String> args : List.of(List.of("-c", file.toString(), "modalities"),
                List.of("config", "--config", file.toString()))) {
            ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
            assertOneLineError(r);
            assertThat(r.stderr()).contains("fourm.modality.rgb.tokens", "vocab-size", file.toString(), "NUMBER",
                    "module fourm.modality.rgb");
        }
    }

    @Test
    void missingValuesNameTheKeyTheFileAndTheExpectedType() throws IOException {
        Path modalitySetting = write("missing-encoder.conf", "fourm.modality.rgb.tokens.encoder = null\n");
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "modalities", "-c", modalitySetting.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertOneLineError(r);
        assertThat(r.stderr()).contains("fourm.modality.rgb.tokens", "'encoder'", modalitySetting.toString(),
                "BOOLEAN");

        Path experimentSetting = write("missing-list.conf", "fourm.experiment.modalities = null\n");
        r = ModulePathRun.fourm(TIMEOUT, "config", "-c", experimentSetting.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertOneLineError(r);
        assertThat(r.stderr()).contains("fourm.experiment.modalities", experimentSetting.toString(), "LIST");
    }

    @Test
    void missingOrBrokenFilesAndBadOptionsAreUserErrors() throws IOException {
        Path absent = tmp.resolve("absent.conf");
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "modalities", "-c", absent.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertOneLineError(r);
        assertThat(r.stderr()).contains(absent.toString(), "does not exist");

        Path broken = write("broken.conf", "fourm {\n  experiment {\n");
        r = ModulePathRun.fourm(TIMEOUT, "config", "-c", broken.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertOneLineError(r);
        assertThat(r.stderr()).contains(broken.toString());

        r = ModulePathRun.fourm(TIMEOUT, "modalities", "--no-such-option");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(r.stderr()).contains("Unknown option: '--no-such-option'", "Usage: fourm modalities");
    }

    @Test
    void verbosePrintsTheCauseChain() throws IOException {
        Path file = write("wrong-type.conf", "fourm.modality.rgb.tokens.vocab-size = \"big\"\n");
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "--verbose", "modalities", "-c", file.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(r.stderr()).startsWith("fourm: error: ")
                .contains("caused by: com.typesafe.config.ConfigException$WrongType")
                .contains("\tat ");
    }

    @Test
    void configPrintsTheResolvedExperimentSettings() throws IOException {
        Path file = write("subset.conf", "fourm.experiment.modalities = [\"caption\", \"tok_rgb@224\"]\n"
                + "fourm.modality.rgb.tokens.generation.steps = 12\n");
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "config", "-c", file.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout().lines().map(String::strip)).containsSubsequence("modalities=[", "caption,",
                "\"tok_rgb@224\"", "]").contains("steps=12", "vocab-size=16384");

        r = ModulePathRun.fourm(TIMEOUT, "config", "-c", file.toString(), "--path", "fourm.experiment", "--origins");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("modalities=[", file.toString()).doesNotContain("vocab-size");

        r = ModulePathRun.fourm(TIMEOUT, "config", "--path", "fourm.no.such.path");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertOneLineError(r);
        assertThat(r.stderr()).contains("'fourm.no.such.path'");
    }

    private static void assertOneLineError(ModulePathRun.Result r) {
        assertThat(r.stderr()).as(r.toString()).startsWith("fourm: error: ").doesNotContain("\tat ")
                .doesNotContain("Exception in thread");
        assertThat(r.stderr().strip().lines().count()).as(r.toString()).isEqualTo(1);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    /**
     * Compiles and jars a tiny plugin module, {@code fourm.test.dup}, whose provider claims the key {@code caption}
     * that modality-text already provides.
     */
    private Path duplicateCaptionPlugin() throws IOException {
        Path src = tmp.resolve("dup-src");
        Path classes = tmp.resolve("dup-classes");
        Files.createDirectories(src.resolve("fourm/test/dup"));
        Files.writeString(src.resolve("module-info.java"), """
                module fourm.test.dup {
                    requires fourm.api;
                    provides fourm.api.spi.ModalityProvider with fourm.test.dup.DuplicateCaptionProvider;
                }
                """);
        Files.writeString(src.resolve("fourm/test/dup/DuplicateCaptionProvider.java"), """
                package fourm.test.dup;

                public final class DuplicateCaptionProvider implements fourm.api.spi.ModalityProvider {
                    @Override
                    public String key() {
                        return "caption";
                    }

                    @Override
                    public String configPath() {
                        return "fourm.test.dup";
                    }

                    @Override
                    public fourm.api.Modality create(com.typesafe.config.Config node) {
                        throw new UnsupportedOperationException("a fixture: discovery must refuse it first");
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler (the tests need a JDK, not a JRE)").isNotNull();
        String modulePath = ModulePathRun.join(List.of(ModulePathRun.jar(ModulePathRun.LIB, "fourm-api-"),
                ModulePathRun.jar(ModulePathRun.LIB, "config-")));
        List<String> args = new ArrayList<>(List.of("--release", "17", "--module-path", modulePath,
                "-d", classes.toString(), src.resolve("module-info.java").toString(),
                src.resolve("fourm/test/dup/DuplicateCaptionProvider.java").toString()));
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac exit code").isZero();

        Path jar = tmp.resolve("fourm-test-dup.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
