package fourm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * One in-process run of the command line ({@link Main#commandLine}): its exit code and what it wrote to stdout and
 * stderr. The tests' shared way to call {@code fourm} without a JVM of its own.
 *
 * @param exit the exit code
 * @param out  standard output
 * @param err  standard error
 */
record Run(int exit, String out, String err) {
    /** Runs {@code fourm args...} in this JVM. */
    static Run fourm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** Runs {@code fourm args...} in this JVM. */
    static Run fourm(List<String> args) {
        return fourm(args.toArray(new String[0]));
    }
}
