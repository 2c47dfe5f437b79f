package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code --help} shows: the command list gives each command's first sentence whole, every description is made of
 * whole paragraphs that picocli wraps evenly, and an unknown command is a user error even with {@code --help}.
 */
class HelpTextTest {
    @Test
    void theCommandListShowsWholeFirstSentences() {
        Run r = fourm("--help");
        assertThat(r.exit()).isZero();
        String list = r.out().substring(r.out().indexOf("Commands:\n") + "Commands:\n".length());
        // Rows start with two spaces and the name; continuation lines are indented further.
        List<String> rows = new ArrayList<>();
        for (String line : list.split("\n")) {
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                rows.add(line.strip());
            } else if (!rows.isEmpty()) {
                rows.set(rows.size() - 1, rows.get(rows.size() - 1) + " " + line.strip());
            }
        }
        assertThat(rows).hasSizeGreaterThan(15);
        assertThat(rows).allSatisfy(row -> assertThat(row).as(row).endsWith("."));
        assertThat(r.out()).contains("doctor           Check the installation: Java, plugins, configuration and the");
    }

    @Test
    void everyDescriptionIsMadeOfWholeSentences() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), all);
        assertThat(all).hasSizeGreaterThan(18);
        for (CommandLine cl : all) {
            String name = cl.getCommandSpec().qualifiedName();
            String[] description = cl.getCommandSpec().usageMessage().description();
            assertThat(description).as(name + " has a description").isNotEmpty();
            // The first element is the command list's row: one short sentence.
            assertThat(description[0]).as(name + ": first sentence").endsWith(".").hasSizeLessThan(110);
            for (String paragraph : description) {
                // A paragraph cut mid-sentence into the next element would make a ragged line in the help.
                assertThat(paragraph).as(name + ": each element is a whole paragraph").endsWith(".");
            }
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                String[] d = o.description();
                assertThat(d.length).as(name + " " + o.longestName() + ": one paragraph").isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void anUnknownCommandIsAUserErrorEvenWithHelp() {
        for (String[] args : new String[][] {{"embed", "--help"}, {"embed"}, {"--help", "embed"}}) {
            Run r = fourm(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(Main.USER_ERROR);
            assertThat(r.err()).startsWith("fourm: error: unknown command 'embed'; the commands are:")
                    .contains("  modalities ", "  demo ", "Run 'fourm COMMAND --help'");
            assertThat(r.out()).isEmpty();
        }
        Run sub = fourm("bench", "gemm", "--help");
        assertThat(sub.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(sub.err()).startsWith("fourm: error: unknown command 'gemm' of 'fourm bench'")
                .contains("  generate ", "  train ");

        Run known = fourm("doctor", "--help");
        assertThat(known.exit()).isZero();
        assertThat(known.out()).startsWith("Usage: fourm doctor");
        Run option = fourm("--no-such-option");
        assertThat(option.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(option.err()).contains("Unknown option: '--no-such-option'");
    }

    private static void collect(CommandLine cl, List<CommandLine> into) {
        into.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            // picocli's own help command keeps picocli's wording
            if (!into.contains(sub) && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                collect(sub, into);
            }
        }
    }
}
