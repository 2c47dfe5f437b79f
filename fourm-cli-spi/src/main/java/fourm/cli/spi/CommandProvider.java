package fourm.cli.spi;

import java.util.List;

/**
 * Brings subcommands to the {@code fourm} command line. The command line loads every provider with
 * {@link java.util.ServiceLoader} when it starts and adds their commands after its own; a command whose name is taken
 * already is refused with an error naming both.
 *
 * <p>A provider's commands are picocli {@code @Command} objects; their package must be open to {@code info.picocli},
 * which reads and writes the annotated fields. They report a mistake the user can fix by throwing
 * {@link UserInputException} and return the process exit code from {@code call()} (0 for success).
 */
public interface CommandProvider {

    /**
     * The commands to add, new instances for this command line.
     *
     * @param context what the command line gives its commands: the configuration of its {@code -c} option
     * @return picocli {@code @Command} objects, in the order they are listed in the help
     */
    List<Object> commands(CommandContext context);
}
