package fourm.demo.cli;

import fourm.cli.spi.CommandContext;
import fourm.cli.spi.CommandProvider;
import java.util.List;

/**
 * The demo's commands for the {@code fourm} command line: {@code fourm demo} and {@code fourm eval}. Found by the
 * command line through {@link CommandProvider} when fourm-demo's jar is on the module path (as in {@code bin/fourm}).
 */
public final class DemoCommands implements CommandProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public DemoCommands() {
    }

    @Override
    public List<Object> commands(CommandContext context) {
        return List.of(new DemoCommand(context), new EvalCommand(context));
    }
}
