/**
 * The demo's subcommands of the {@code fourm} command line ({@code fourm demo}, {@code fourm eval}), brought through
 * the command-plugin SPI of fourm-cli-spi ({@link fourm.demo.cli.DemoCommands}); the command line does not require
 * the demo.
 */
package fourm.demo.cli;
