package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.testing.SharedFiles;
import fourm.testing.Slow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first ten minutes of a new user, kept true: every shell command of the repository's README.md runs, in order, in
 * a scratch copy of the checkout (its files as git sees them, with {@code ../shared} beside it when the reference folder
 * is there), exits 0 and leaves the files the README says it leaves; the demo prints the README's table; and the run
 * leaves the copy's git status clean (what the commands write is ignored). Commands that need models, the reference
 * folder or long runs are marked in the README ({@link ReadmeSmoke}). {@code bin/fourm} runs on this build's module
 * path (nothing is built). A few minutes.
 */
@Slow
class ReadmeSmokeTest {
    private static final Path CHECKOUT = ModulePathRun.BASEDIR.getParent();
    private static final Duration PER_COMMAND = Duration.ofMinutes(8);
    private static final Set<String> NOT_COPIED = Set.of("target", ".git", "demo-out", "runs", "out");

    @TempDir
    Path tmp;

    @Test
    void everyReadmeCommandWorksInAFreshCopy() throws Exception {
        Path copy = tmp.resolve("fourm");
        boolean git = copyCheckout(copy);
        boolean reference = linkReference(tmp);
        if (git) {
            gitOk(copy, "init", "-q");
            gitOk(copy, "add", "-A");
            gitOk(copy, "-c", "user.name=readme-smoke", "-c", "user.email=smoke@localhost", "-c",
                    "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "scratch-copy");
        }
        ReadmeSmoke smoke = new ReadmeSmoke(Files.readString(copy.resolve("README.md"), StandardCharsets.UTF_8),
                "README.md");
        assertThat(smoke.blocks()).as("README.md has shell blocks").hasSizeGreaterThan(5);

        ReadmeSmoke.Report report = smoke.run(copy, environment(), reference, PER_COMMAND);
        System.out.println("README smoke test:\n" + report.describe());
        assertThat(report.failures()).as(report.describe()).isEmpty();
        assertThat(report.ran()).extracting(ReadmeSmoke.Ran::command)
                .contains("bin/fourm demo", "bin/fourm eval");
        if (git) {
            ReadmeSmoke.Ran status = ReadmeSmoke.execute("git status --porcelain --untracked-files=all", copy,
                    Map.of(), Duration.ofMinutes(1));
            assertThat(status.exitCode()).as(status.stderr()).isZero();
            assertThat(status.stdout()).as("what the README's commands write is ignored by .gitignore").isEmpty();
        }
    }

    /** bin/fourm on this build (no build of its own), DJL offline, the JDK running the tests. */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("FOURM_CLI_LIB", ModulePathRun.LIB.toString());
        env.put("FOURM_CLI_JAR", ModulePathRun.CLASSES.toString());
        env.put("FOURM_CLI_NATIVE", ModulePathRun.NATIVE.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("DJL_OFFLINE", "true");
        env.put("OPT_OUT_TRACKING", "true");
        return env;
    }

    /**
     * Copies the checkout's files: those git tracks or would add (.gitignore applied) when it is a git work tree,
     * otherwise every file outside build and output folders. Returns whether git listed them.
     */
    static boolean copyCheckout(Path to) throws IOException {
        List<String> files = new ArrayList<>();
        ReadmeSmoke.Ran listed = ReadmeSmoke.execute("git ls-files -z --cached --others --exclude-standard", CHECKOUT,
                Map.of(), Duration.ofMinutes(1));
        boolean git = listed.exitCode() == 0 && !listed.stdout().isEmpty();
        if (git) {
            for (String f : listed.stdout().split("\0")) {
                if (!f.isEmpty() && Files.isRegularFile(CHECKOUT.resolve(f))) {
                    files.add(f);
                }
            }
        } else {
            try (Stream<Path> s = Files.walk(CHECKOUT)) {
                s.filter(Files::isRegularFile).map(CHECKOUT::relativize)
                        .filter(p -> {
                            for (Path part : p) {
                                if (NOT_COPIED.contains(part.toString())) {
                                    return false;
                                }
                            }
                            return true;
                        })
                        .forEach(p -> files.add(p.toString()));
            }
        }
        for (String f : files) {
            Path target = to.resolve(f);
            Files.createDirectories(target.getParent());
            Files.copy(CHECKOUT.resolve(f), target, StandardCopyOption.COPY_ATTRIBUTES);
        }
        return git;
    }

    /** Puts the shared folder beside the copy, as it is beside the checkout, when the reference folder is found. */
    private static boolean linkReference(Path parent) throws IOException {
        Optional<Path> shared = SharedFiles.root();
        if (shared.isEmpty()) {
            return false;
        }
        Files.createSymbolicLink(parent.resolve("shared"), shared.get());
        return true;
    }

    private static void gitOk(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ReadmeSmoke.Ran r = ReadmeSmoke.execute(String.join(" ", command), dir, Map.of(), Duration.ofMinutes(2));
        assertThat(r.exitCode()).as(r.command() + "\n" + r.stderr()).isZero();
    }
}
