package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README smoke test's machinery on small READMEs: it finds the commands and directives, and it fails on a broken
 * command, on a file the README promises that does not appear, on a table that does not match and on a directive that
 * no longer names a command of its block.
 */
class ReadmeSmokeSelfTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void readsCommandsAndDirectives() {
        ReadmeSmoke s = new ReadmeSmoke("""
                # Title

                <!-- smoke: skip "make coffee": no machine; creates out.txt -->
                ```bash
                echo hi > out.txt    # writes out.txt
                make coffee
                long --command \\
                  --with "a # not a comment" # a comment
                ```

                ```hocon
                fourm.x = 1
                ```

                <!-- smoke:
                     skip: placeholders -->
                ```sh
                run <your file>
                ```
                """, "T.md");
        List<ReadmeSmoke.Block> blocks = s.blocks();
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).commands()).containsExactly("echo hi > out.txt", "make coffee",
                "long --command --with \"a # not a comment\"");
        assertThat(blocks.get(0).directives()).containsExactly("skip \"make coffee\": no machine", "creates out.txt");
        assertThat(blocks.get(0).line()).isEqualTo(4);
        assertThat(blocks.get(1).directives()).containsExactly("skip: placeholders");
        assertThat(blocks.get(1).skipped()).isTrue();
    }

    @Test
    void passesWhenEveryCommandWorksAndSkipsWhatIsMarked() {
        ReadmeSmoke.Report r = new ReadmeSmoke("""
                <!-- smoke: creates a/b.txt a/*.txt; shorten "sleep 100" => "sleep 0"; skip "exit 1": marked -->
                ```bash
                mkdir -p a && echo x > a/b.txt
                sleep 100
                exit 1
                ```

                <!-- smoke: needs reference -->
                ```bash
                exit 1
                ```
                """, "T.md").run(dir, java.util.Map.of(), false, TIMEOUT);
        assertThat(r.failures()).as(r.describe()).isEmpty();
        assertThat(r.ran()).extracting(ReadmeSmoke.Ran::command).containsExactly("mkdir -p a && echo x > a/b.txt",
                "sleep 0");
        assertThat(r.skipped()).hasSize(2);
        assertThat(r.skipped().get(1)).contains("needs the reference folder");
    }

    /** The deliberately broken command: bin/fourm with a mistyped subcommand, on this build, fails the smoke test. */
    @Test
    void failsOnABrokenCommand() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(ModulePathRun.BASEDIR.getParent().resolve("bin/fourm"), bin.resolve("fourm"));
        ReadmeSmoke.Report r = new ReadmeSmoke("""
                Intro.

                ```bash
                bin/fourm --version
                bin/fourm modalites        # mistyped
                echo never > after.txt
                ```
                """, "README.md").run(dir, ReadmeSmokeTest.environment(), false, TIMEOUT);
        assertThat(r.failures()).hasSize(1);
        assertThat(r.failures().get(0)).startsWith("README.md:3: `bin/fourm modalites` exited with 2")
                .contains("unknown command 'modalites'");
        assertThat(r.ran()).hasSize(2);
        assertThat(r.ran().get(0).stdout()).startsWith("fourm ");
        assertThat(dir.resolve("after.txt")).as("the block stops at the failure").doesNotExist();
    }

    @Test
    void failsWhenAPromisedFileDoesNotAppear() {
        ReadmeSmoke.Report r = new ReadmeSmoke("""
                <!-- smoke: creates out/result.json out/grids/*.png -->
                ```bash
                mkdir -p out/grids && touch out/result.json out/grids/a.jpg
                ```
                """, "R.md").run(dir, java.util.Map.of(), false, TIMEOUT);
        assertThat(r.failures()).containsExactly(
                "R.md:2: the README says out/grids/*.png appears, but after the block it does not");
    }

    @Test
    void failsWhenADirectiveNamesACommandTheBlockDoesNotHold() {
        ReadmeSmoke.Report r = new ReadmeSmoke("""
                <!-- smoke: skip "bin/fourm demo --train": long; frobnicate -->
                ```bash
                true
                ```
                """, "R.md").run(dir, java.util.Map.of(), false, TIMEOUT);
        assertThat(r.failures()).hasSize(2);
        assertThat(r.failures().get(0)).contains("unknown smoke directive 'frobnicate'");
        assertThat(r.failures().get(1)).contains("names \"bin/fourm demo --train\", which the block does not hold");
    }

    @Test
    void comparesAPrintedTableWithTheReadmesToItsDigits() {
        String readme = """
                <!-- smoke: prints-table "cat table.txt" "| task | metric |" -->
                ```bash
                cat table.txt
                ```

                | task | metric | 4M | bound | trivial |
                |---|---|---|---|---|
                | depth | L1 (m) | 0.512 | 0.393 | 0.991 |
                | boxes | mAP@0.5 | 0.081 | 1.000 | 0.001 |
                | normals | angle | 10.6 | 6.28 | 17.6 |
                """;
        String printed = """
                task   metric     4M   bound  trivial
                --------------------------------------
                depth  L1 (m)  0.512   0.393    0.991  yes
                boxes  mAP@0.5 0.081   1.000    0.001  yes
                normals angle   10.6   6.284     17.6  yes

                grids: x
                """;
        ReadmeSmoke s = new ReadmeSmoke(readme, "R.md");
        assertThat(s.tableProblem("| task | metric |", printed)).isNull();
        assertThat(s.tableProblem("| task | metric |", printed.replace("6.284", "6.291")))
                .contains("row 3", "6.28", "6.291");
        assertThat(s.tableProblem("| task | metric |", printed.replace("boxes  mAP@0.5 0.081   1.000    0.001  yes\n",
                ""))).contains("3 rows, the output 2");
        assertThat(ReadmeSmoke.agrees("0.110", "0.110")).isTrue();
        assertThat(ReadmeSmoke.agrees("0.110", "0.111")).isFalse();
    }
}
