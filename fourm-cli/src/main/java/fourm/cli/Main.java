package fourm.cli;

import com.typesafe.config.Config;
import fourm.cli.spi.CommandContext;
import fourm.cli.spi.CommandProvider;
import fourm.cli.spi.UserInputException;
import fourm.core.io.Offline;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code fourm} command: global options and the list of subcommands.
 *
 * <p>Exit codes: {@value #OK} on success, {@value #FAILED} when a check or the program itself failed (a bug or a broken
 * installation; the message says which), {@value #USER_ERROR} for every user mistake (unknown option, bad or missing
 * file, unknown modality, mistyped or missing setting, two providers of one modality key). User errors print one line
 * on stderr; {@code --verbose} adds the cause chain.
 *
 * <p>To add a subcommand, write one {@code @Command} class and add it to the {@code subcommands} list below. Other
 * modules bring theirs through {@link CommandProvider} (the demo's {@code demo} and {@code eval}): they are added after
 * the built-in commands, before {@code help}, when their jar is on the module path.
 */
@Command(name = "fourm",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.VersionProvider.class,
        usageHelpAutoWidth = true,
        description = "Any-to-any multimodal masked modeling (4M / 4M-21) on the JVM.",
        subcommands = {
            ModalitiesCommand.class,
            ConfigCommand.class,
            DoctorCommand.class,
            TokenizeCommand.class, DetokenizeCommand.class, TokenizerCommand.class,
            LabelCommand.class,
            ForwardCommand.class,
            GenerateCommand.class, BenchCommand.class,
            ImageTokenizerTrainCommand.class, PretokenizeCommand.class,
            TrainCommand.class, PretokenizeIdsCommand.class, DataCommand.class,
        })
public final class Main implements Runnable {
    /** Exit code of a successful run. */
    public static final int OK = 0;
    /** Exit code when a check or the program failed for a reason that is not the user's input. */
    public static final int FAILED = 1;
    /** Exit code of a user error: bad usage, bad or missing file, bad configuration, conflicting plugins. */
    public static final int USER_ERROR = 2;

    private static final String CUDA_LOG_LEVEL = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

    static {
        // Before anything can touch DJL: its Engine class contacts the network unless offline mode is set.
        Offline.enforce();
        // DJL logs through SLF4J; keep its INFO chatter off the terminal unless the user asks for it.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        // A CPU-only machine is the normal case, not worth a warning on every engine start.
        if (System.getProperty(CUDA_LOG_LEVEL) == null) {
            System.setProperty(CUDA_LOG_LEVEL, "error");
        }
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Experiment configuration file (HOCON), layered over every module's reference.conf.")
    Path config;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On errors, print the cause chain and stack trace.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Bindings that replace the framework's in every command's injector (tests, embedding applications). */
    final List<com.google.inject.Module> overrides;

    /** Picocli instantiates commands reflectively; use {@link #main(String[])} or {@link #run(String...)}. */
    Main() {
        this(List.of());
    }

    private Main(List<com.google.inject.Module> overrides) {
        this.overrides = List.copyOf(overrides);
    }

    /**
     * Adds the commands of every {@link CommandProvider} on the module path (or class path), in discovery order. A
     * command whose name is taken already stops the start with an error naming the providing module.
     */
    private static void addPluginCommands(CommandLine cl, Main main) {
        CommandContext context = new CommandContext() {
            @Override
            public Optional<Path> configFile() {
                return Optional.ofNullable(main.config);
            }

            @Override
            public Config config() {
                try {
                    return Startup.loadConfig(main.config);
                } catch (UserError e) {
                    throw new UserInputException(e.getMessage(), e.getCause());
                }
            }
        };
        for (CommandProvider provider : ServiceLoader.load(CommandProvider.class, Main.class.getClassLoader())) {
            for (Object command : provider.commands(context)) {
                try {
                    cl.addSubcommand(command);
                } catch (CommandLine.DuplicateNameException e) {
                    throw new IllegalStateException("the command plugin " + provider.getClass().getName() + " (module "
                            + provider.getClass().getModule().getName() + ") brings a command whose name is taken: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Without a subcommand: print the usage on stderr and fail as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line on {@code System.out} and {@code System.err} and returns the exit code. */
    static int run(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** The configured picocli command line: output streams, error handling, exit codes. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, List.of());
    }

    /**
     * As {@link #commandLine(PrintWriter, PrintWriter)}, with bindings that replace the framework's in the injector
     * every command gets its configuration, modalities, engine, training and generation from
     * ({@code Modules.override}).
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, List<com.google.inject.Module> overrides) {
        Main main = new Main(overrides);
        CommandLine cl = new CommandLine(main);
        addPluginCommands(cl, main);
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        cl.setExitCodeExceptionMapper(e -> USER_ERROR);
        cl.setExecutionStrategy(Main::refuseUnknownCommands);
        IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, args) -> unknownCommand(ex).orElseGet(() -> {
            try {
                return usage.handleParseException(ex, args);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        return cl;
    }

    /**
     * Picocli prints the usage and exits 0 when {@code --help} comes with arguments it did not match ({@code fourm
     * embed --help}); an argument no command takes is a user error whether or not help is asked for.
     */
    private static int refuseUnknownCommands(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        if (!leaf.unmatched().isEmpty()) {
            throw new CommandLine.UnmatchedArgumentException(leaf.commandSpec().commandLine(), leaf.unmatched());
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /**
     * For an unmatched first word where a command has subcommands: "unknown command 'X'" and the list of commands
     * (exit code {@value #USER_ERROR}); empty for every other usage error.
     */
    private static java.util.Optional<Integer> unknownCommand(CommandLine.ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || cl.getSubcommands().isEmpty()
                || u.getUnmatched().isEmpty() || u.getUnmatched().get(0).startsWith("-")) {
            return java.util.Optional.empty();
        }
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println("fourm: error: unknown command '" + u.getUnmatched().get(0) + "'"
                + (cl.getParent() == null ? "" : " of '" + name + "'") + "; the commands are:");
        err.print(cl.getHelp().commandList());
        err.println("Run '" + name + " COMMAND --help' for a command's options.");
        err.flush();
        return java.util.Optional.of(USER_ERROR);
    }

    private static int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.commandSpec().root().userObject() instanceof Main m && m.verbose;
        UserError user = UserError.classify(e);
        if (user != null) {
            err.println("fourm: error: " + user.getMessage());
            if (verbose) {
                UserError.printCauses(err, user.getCause());
                if (user.getCause() != null) {
                    user.getCause().printStackTrace(err);
                }
            }
            err.flush();
            return USER_ERROR;
        }
        err.println("fourm: internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILED;
    }

    /** {@code fourm --version}: the project version, from a resource filtered at build time. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"fourm " + version(), "Java " + Runtime.version() + " ("
                    + System.getProperty("java.vendor") + ")"};
        }

        static String version() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "unknown";
                }
                p.load(in);
            } catch (IOException e) {
                return "unknown";
            }
            return p.getProperty("version", "unknown");
        }
    }
}
