package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fourm} itself: it runs fourm on the module path with DJL offline, passes {@code JAVA_OPTS} through and
 * appends {@code FOURM_MODULE_PATH_EXTRA}. The build folders are handed over with {@code FOURM_CLI_*} so the script
 * does not try to build from inside the build.
 */
class LauncherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Path SCRIPT = ModulePathRun.BASEDIR.getParent().resolve("bin").resolve("fourm");

    @TempDir
    Path tmp;

    @Test
    void runsOnTheModulePathWithEveryModality() {
        assertThat(Files.isExecutable(SCRIPT)).as(SCRIPT + " is executable").isTrue();
        ModulePathRun.Result r = launch(Map.of(), "modalities", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, JsonObject> listed = ModalitiesEndToEndTest.byKey(r.stdout());
        assertThat(listed).hasSize(19);
        assertThat(listed.values()).allSatisfy(m -> assertThat(m.get("origin").getAsString()).startsWith("module "));

        r = launch(Map.of(), "--version");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("fourm " + Main.VersionProvider.version());
    }

    @Test
    void appendsExtraJarsToTheModulePath() {
        Path example = ModulePathRun.jar(ModulePathRun.TEST_PLUGINS, "example-custom-modality");
        ModulePathRun.Result r = launch(Map.of("FOURM_MODULE_PATH_EXTRA", example.toString()), "modalities", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, JsonObject> listed = ModalitiesEndToEndTest.byKey(r.stdout());
        assertThat(listed).hasSize(20).containsKey("tok_thermal@64");
    }

    @Test
    void aMissingOrCorruptExtraModulePathEntryIsAUserError() throws Exception {
        Path missing = tmp.resolve("no-such-plugin.jar");
        ModulePathRun.Result r = launch(Map.of("FOURM_MODULE_PATH_EXTRA", missing.toString()), "modalities");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(r.stderr()).contains("FOURM_MODULE_PATH_EXTRA").contains(missing.toString())
                .contains("does not exist");
        Path corrupt = Files.writeString(tmp.resolve("corrupt.jar"), "this is no zip file");
        r = launch(Map.of("FOURM_MODULE_PATH_EXTRA", corrupt.toString()), "modalities");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(r.stderr()).contains(corrupt.toString()).contains("not a jar");
    }

    @Test
    void passesJavaOptsToTheJvm() throws Exception {
        Path conf = Files.writeString(tmp.resolve("experiment.conf"),
                "fourm.experiment.modalities = [\"tok_depth@224\", \"caption\"]\n");
        ModulePathRun.Result r = launch(Map.of("JAVA_OPTS", "-Xmx512m -Dconfig.file=" + conf),
                "config", "--path", "fourm.experiment.modalities");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // HOCON quotes only the strings that need it.
        assertThat(r.stdout().lines().map(String::strip)).containsSubsequence("modalities=[", "\"tok_depth@224\",",
                "caption", "]");
    }

    @Test
    void refusesMissingBuildFoldersWithAClearError() {
        Path absent = tmp.resolve("no-lib");
        ModulePathRun.Result r = launch(Map.of("FOURM_CLI_LIB", absent.toString()), "modalities");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(r.stderr()).contains(absent.toString(), "FOURM_CLI_LIB");
    }

    private static ModulePathRun.Result launch(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("FOURM_CLI_LIB", ModulePathRun.LIB.toString());
        env.put("FOURM_CLI_JAR", ModulePathRun.CLASSES.toString());
        env.put("FOURM_CLI_NATIVE", ModulePathRun.NATIVE.toString());
        env.put("JAVA_OPTS", "-Xmx512m");
        // Whatever the caller's environment says, the script must turn DJL's offline mode on.
        env.put("DJL_OFFLINE", "false");
        env.putAll(extraEnv);
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        return ModulePathRun.run(command, env, TIMEOUT);
    }
}
