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
import org.junit.jupiter.api.Assumptions;
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

    /**
     * A jar that starts with valid zip bytes but is cut short, has a broken central directory, or carries a
     * module-info.class that does not parse is named with what is wrong (exit 2), not left to the JVM's boot-layer
     * error.
     */
    @Test
    void aCorruptPluginJarThatStartsLikeAZipIsNamedWithWhatIsWrong() throws Exception {
        Path example = ModulePathRun.jar(ModulePathRun.TEST_PLUGINS, "example-custom-modality");
        byte[] good = Files.readAllBytes(example);
        Path truncated = Files.write(tmp.resolve("truncated.jar"), java.util.Arrays.copyOf(good, good.length / 2));
        byte[] broken = good.clone();
        int eocd = lastIndexOf(broken, new byte[] {0x50, 0x4b, 0x05, 0x06});
        java.nio.ByteBuffer.wrap(broken, eocd + 16, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(7);
        Path badDirectory = Files.write(tmp.resolve("central-directory.jar"), broken);
        Path badModuleInfo = tmp.resolve("module-info.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(badModuleInfo))) {
            out.putNextEntry(new java.util.jar.JarEntry("module-info.class"));
            out.write(new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 61, 1, 2, 3});
            out.closeEntry();
        }
        for (Path jar : List.of(truncated, badDirectory, badModuleInfo)) {
            assertThat(Files.readAllBytes(jar)).startsWith(0x50, 0x4b, 0x03, 0x04);
            ModulePathRun.Result r = launch(Map.of("FOURM_MODULE_PATH_EXTRA", jar.toString()), "modalities");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
            assertThat(r.stderr()).as(jar.toString()).contains("FOURM_MODULE_PATH_EXTRA names " + jar)
                    .doesNotContain("boot layer");
        }
        assertThat(ModulePathCheck.checkEntry(truncated)).get().asString().contains("not a readable jar");
        assertThat(ModulePathCheck.checkEntry(badDirectory)).get().asString()
                .containsAnyOf("not a readable jar", "is a corrupt jar");
        assertThat(ModulePathCheck.checkEntry(badModuleInfo)).get().asString()
                .contains("the module system cannot read");
        assertThat(ModulePathCheck.checkEntry(example)).isEmpty();
    }

    private static int lastIndexOf(byte[] b, byte[] what) {
        for (int i = b.length - what.length; i >= 0; i--) {
            if (java.util.Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
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

    /**
     * On an AMD x86-64 processor with a C compiler the launcher builds {@code libfourm-mkl-cpu.so} and preloads it (MKL
     * then picks its kernels by instruction set), keeping a {@code LD_PRELOAD} already set; {@code FOURM_MKL_CPU=vendor}
     * leaves MKL alone; any other value is refused. A real run reports the choice in {@code fourm doctor}.
     */
    @Test
    void preloadsTheMklCpuLibraryOnAmdProcessors() throws Exception {
        Assumptions.assumeTrue(amdWithCompiler(), "needs an AMD x86-64 processor and a C compiler (cc)");
        Path javaHome = fakeJava("echo \"LD_PRELOAD=$LD_PRELOAD\"\n");
        ModulePathRun.Result r = launch(Map.of("JAVA_HOME", javaHome.toString(), "LD_PRELOAD", "libc.so.6"),
                "--quiet", "doctor");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String preload = r.stdout().strip().substring("LD_PRELOAD=".length());
        assertThat(preload).endsWith(":libc.so.6");
        Path library = Path.of(preload.substring(0, preload.indexOf(':')));
        assertThat(library.getFileName()).hasToString("libfourm-mkl-cpu.so");
        assertThat(library).isRegularFile();

        r = launch(Map.of("JAVA_HOME", javaHome.toString(), "FOURM_MKL_CPU", "vendor", "LD_PRELOAD", ""), "--quiet",
                "doctor");
        assertThat(r.stdout().strip()).isEqualTo("LD_PRELOAD=");
        r = launch(Map.of("JAVA_HOME", javaHome.toString(), "FOURM_MKL_CPU", "fast"), "--quiet", "doctor");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        assertThat(r.stderr()).contains("FOURM_MKL_CPU is 'fast'", "isa", "vendor");

        r = launch(Map.of(), "--quiet", "doctor");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("kernels chosen by instruction sets");
        r = launch(Map.of("FOURM_MKL_CPU", "vendor", "LD_PRELOAD", ""), "--quiet", "doctor");
        assertThat(r.stdout()).contains("kernels chosen by vendor");
    }

    private static boolean amdWithCompiler() throws Exception {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!"amd64".equals(System.getProperty("os.arch")) || !Files.isReadable(cpuinfo)) {
            return false;
        }
        try (var lines = Files.lines(cpuinfo)) {
            if (lines.noneMatch(l -> l.matches("vendor_id\\s*:\\s*AuthenticAMD"))) {
                return false;
            }
        }
        return ModulePathRun.run(List.of("bash", "-c", "command -v cc"), Map.of(), TIMEOUT).exitCode() == 0;
    }

    /**
     * libtorch's start-up warnings are taken out of stderr (everything else passes, progress bars' partial lines too),
     * TensorFlow's native log level is set, {@code --quiet} is the launcher's and never reaches the command line, and
     * java's exit code comes through.
     */
    @Test
    void nativeStartUpLinesDoNotReachTheTerminal() throws Exception {
        Path javaHome = fakeJava("""
                echo "TF_CPP_MIN_LOG_LEVEL=$TF_CPP_MIN_LOG_LEVEL"
                all="$*"
                echo "args:${all##*fourm.cli.Main}"
                echo '[W1207 10:55:50.581705940 NNPACK.cpp:57] Could not initialize NNPACK! Reason: Unsupported hardware.' >&2
                echo 'a line of the command' >&2
                echo '[W1207 10:55:51.000000001 VariableTypeManual.cpp:1] Warning: AutoNonVariableTypeMode is deprecated and will be removed in 1.10 release. (function operator())' >&2
                printf 'step 1/2\rstep 2/2\n' >&2
                printf '[W1207 10:55:52.0 other.cpp:9] a warning fourm does not know' >&2
                exit 3
                """);
        ModulePathRun.Result r = launch(Map.of("JAVA_HOME", javaHome.toString()), "--quiet", "demo", "--out", "x");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stdout()).contains("TF_CPP_MIN_LOG_LEVEL=2").contains("args: demo --out x\n");
        assertThat(r.stderr()).isEqualTo("a line of the command\nstep 1/2\rstep 2/2\n"
                + "[W1207 10:55:52.0 other.cpp:9] a warning fourm does not know");

        ModulePathRun.Result kept = launch(Map.of("JAVA_HOME", javaHome.toString(), "FOURM_NATIVE_WARNINGS", "1",
                "TF_CPP_MIN_LOG_LEVEL", "0"), "doctor");
        assertThat(kept.stdout()).contains("TF_CPP_MIN_LOG_LEVEL=0");
        assertThat(kept.stderr()).contains("NNPACK", "AutoNonVariableTypeMode");
    }

    /**
     * The first run builds with Maven and says so (what, how long it usually takes, which module), without Maven's
     * colour codes; {@code --quiet} silences it; a failed build shows the end of Maven's output and exits 1.
     */
    @Test
    void theFirstRunSaysItIsBuilding() throws Exception {
        Path root = tmp.resolve("checkout");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(SCRIPT, root.resolve("bin/fourm"));
        Path bin = Files.createDirectories(tmp.resolve("tools"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                printf '\033[0m\033[0m[INFO] Scanning for projects...\n'
                printf '[INFO] Building fourm API 0.1.0-SNAPSHOT                    [1/2]\n'
                if [ -n "${FAIL_BUILD:-}" ]; then
                  printf '\033[1;31m[ERROR]\033[m COMPILATION ERROR in Foo.java\n'; exit 1
                fi
                printf '[INFO] Building fourm CLI 0.1.0-SNAPSHOT                    [2/2]\n'
                mkdir -p fourm-cli/target/lib fourm-cli/target/native
                touch fourm-cli/target/native/pytorch-native-cpu-x.jar fourm-cli/target/fourm-cli-0.1.0-SNAPSHOT.jar
                printf '[INFO] BUILD SUCCESS\n\033[0m\033[0m'
                """);
        mvn.toFile().setExecutable(true);
        Path javaHome = fakeJava("echo ran; exit 0\n");
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        env.put("JAVA_HOME", javaHome.toString());

        ModulePathRun.Result r = run(root, env, "modalities");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ran\n");
        assertThat(r.stderr()).contains("first run: building fourm-cli", "usually takes about a minute",
                "fourm: building (1/2) fourm API\n", "fourm: building (2/2) fourm CLI\n", "fourm: built in")
                .doesNotContain("\u001b", "[INFO]");

        ModulePathRun.Result quiet = run(root, Map.of("PATH", env.get("PATH"), "JAVA_HOME", javaHome.toString(),
                "FOURM_REBUILD", "1"), "--quiet", "modalities");
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.stderr()).isEmpty();

        ModulePathRun.Result failed = run(root, Map.of("PATH", env.get("PATH"), "JAVA_HOME", javaHome.toString(),
                "FOURM_REBUILD", "1", "FAIL_BUILD", "1"), "--quiet", "modalities");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.stdout()).isEmpty();
        assertThat(failed.stderr()).contains("the build failed", "[ERROR] COMPILATION ERROR in Foo.java",
                "mvn -B -DskipTests package -pl fourm-cli -am").doesNotContain("\u001b");
    }

    /** A JAVA_HOME whose bin/java is a bash script with the given body. */
    private Path fakeJava(String body) throws Exception {
        Path home = Files.createTempDirectory(tmp, "jdk");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\n" + body);
        java.toFile().setExecutable(true);
        return home;
    }

    /** Runs a copy of the launcher in {@code root} with only {@code env} added (no FOURM_CLI_*: it builds). */
    private static ModulePathRun.Result run(Path root, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/fourm").toString()));
        command.addAll(List.of(args));
        return ModulePathRun.run(command, env, TIMEOUT);
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
