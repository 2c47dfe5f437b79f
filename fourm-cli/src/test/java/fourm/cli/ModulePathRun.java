package fourm.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the real {@code fourm} in a child JVM on the module path, as {@code bin/fourm} does: fourm-cli's classes (an
 * exploded module), the runtime jars copied to {@code target/lib} before the tests, libtorch on the class path, DJL
 * offline in the environment and in the JVM. Every run is bounded by a timeout.
 */
final class ModulePathRun {
    /** fourm-cli's build folder (surefire passes it; the fallback is for running from the module folder). */
    static final Path TARGET = Path.of(System.getProperty("fourm.cli.target", "target")).toAbsolutePath();
    /** fourm-cli's module folder. */
    static final Path BASEDIR = Path.of(System.getProperty("fourm.cli.basedir", ".")).toAbsolutePath();
    static final Path CLASSES = TARGET.resolve("classes");
    static final Path LIB = TARGET.resolve("lib");
    static final Path NATIVE = TARGET.resolve("native");
    static final Path TEST_PLUGINS = TARGET.resolve("test-plugins");
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    /** What a run produced. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private ModulePathRun() {
    }

    /** The runtime jars fourm-cli's launcher puts on the module path. */
    static List<Path> libJars() {
        try (Stream<Path> s = Files.list(LIB)) {
            List<Path> jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
            if (jars.isEmpty()) {
                fail("no jars in " + LIB + "; the build copies them in the process-test-classes phase");
            }
            return jars;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + LIB + " (built in the process-test-classes phase)", e);
        }
    }

    /** The one jar in {@code dir} whose name starts with {@code prefix}. */
    static Path jar(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.toString().endsWith(".jar")).collect(Collectors.toList());
            if (found.size() != 1) {
                fail("expected one " + prefix + "*.jar in " + dir + ", found " + found);
            }
            return found.get(0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    /** Runs fourm with the full module path (every runtime jar and fourm-cli's classes). */
    static Result fourm(Duration timeout, String... args) {
        return fourm(modulePath(libJars()), timeout, args);
    }

    /** fourm-cli's classes followed by {@code jars}: the module path of a run. */
    static List<Path> modulePath(List<Path> jars) {
        List<Path> path = new ArrayList<>();
        path.add(CLASSES);
        path.addAll(jars);
        return path;
    }

    /** Runs fourm on the given module path. */
    static Result fourm(List<Path> modulePath, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-Dai.djl.offline=true",
                "-DOPT_OUT_TRACKING=true", "-Xmx1g",
                "--module-path", join(modulePath), "--add-modules", "ALL-MODULE-PATH",
                "-cp", join(List.of(jar(NATIVE, "pytorch-native-cpu"))),
                "-m", "fourm.cli/fourm.cli.Main"));
        command.addAll(Arrays.asList(args));
        return run(command, Map.of(), timeout);
    }

    /** Runs a command with DJL kept offline in its environment, output captured in files, bounded by a timeout. */
    static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        try {
            Path out = Files.createTempFile("fourm-cli-out", ".txt");
            Path err = Files.createTempFile("fourm-cli-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().put("DJL_OFFLINE", "true");
                pb.environment().put("OPT_OUT_TRACKING", "true");
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    fail("timed out after " + timeout + ": " + command + "\n--- stdout\n" + read(out) + "\n--- stderr\n"
                            + read(err));
                }
                return new Result(p.exitValue(), read(out), read(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
