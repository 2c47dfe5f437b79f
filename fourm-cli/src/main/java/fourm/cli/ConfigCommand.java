package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm config [--path P] [--origins]}: the resolved configuration, rendered as HOCON.
 *
 * <p>The configuration is validated and the modalities created first, so what is printed is what a run would use.
 */
@Command(name = "config", description = {
    "Print the resolved configuration as HOCON, after validating it.",
    "Without -c it is the default stack (system properties > -Dconfig.file or application.conf > "
        + "reference.conf); with -c FILE it is FILE over every module's reference.conf."
})
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--path", paramLabel = "P", defaultValue = "fourm",
            description = "Print only the setting or subtree at this path (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--origins", description = "Annotate every value with the file and line it came from.")
    boolean origins;

    @Override
    public Integer call() {
        Config config = Startup.start(main).injector().getInstance(Config.class);
        if (!config.hasPathOrNull(path)) {
            throw new UserError("no setting at path '" + path + "' in "
                    + (main.config == null ? "the default configuration" : main.config)
                    + "; expected a path such as 'fourm' or 'fourm.experiment'");
        }
        ConfigRenderOptions options = ConfigRenderOptions.defaults()
                .setJson(false)
                .setFormatted(true)
                .setComments(true)
                .setOriginComments(origins);
        PrintWriter out = spec.commandLine().getOut();
        out.print(config.getValue(path).atPath(path).root().render(options));
        out.flush();
        return Main.OK;
    }
}
