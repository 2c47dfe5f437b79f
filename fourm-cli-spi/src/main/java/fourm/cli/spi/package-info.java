/**
 * The command-plugin SPI: {@link fourm.cli.spi.CommandProvider} (found with {@link java.util.ServiceLoader}),
 * {@link fourm.cli.spi.CommandContext} (what the command line hands a plugin's commands) and
 * {@link fourm.cli.spi.UserInputException} (a mistake the user can fix: one line on stderr, exit code 2).
 */
package fourm.cli.spi;
