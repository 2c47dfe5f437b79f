/**
 * The fourm command line, built on picocli.
 *
 * <p>{@link fourm.cli.Main} is the top-level {@code fourm} command; it holds the global options ({@code -c/--config},
 * {@code --verbose}) and lists the subcommands. A subcommand is one class annotated with {@code @Command} plus one entry
 * in {@code Main}'s {@code subcommands} list. Subcommands that need the framework call {@link fourm.cli.Startup}, which
 * loads and validates the configuration and discovers the modality plugins, turning every user mistake into a
 * {@link fourm.cli.UserError} (exit code 2, one line on stderr).
 */
package fourm.cli;
