/**
 * The command-plugin SPI of the {@code fourm} command line ({@link fourm.cli.spi.CommandProvider}): a module that
 * {@code provides fourm.cli.spi.CommandProvider with ...} (and lists it in {@code META-INF/services} for the class
 * path) adds its subcommands to {@code fourm} when its jar is on the module path. The command line does not require
 * such modules; the demo ({@code fourm demo}, {@code fourm eval}) is one.
 *
 * <p>Depends on Typesafe Config only (a command reads the configuration the command line resolved); commands are
 * picocli {@code @Command} objects, which the providing module compiles against itself.
 */
module fourm.cli.spi {
    requires transitive typesafe.config;

    exports fourm.cli.spi;
}
