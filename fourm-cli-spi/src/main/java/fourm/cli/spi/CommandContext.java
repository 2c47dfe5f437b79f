package fourm.cli.spi;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;

/** What the {@code fourm} command line hands the commands of a {@link CommandProvider}, read when a command runs. */
public interface CommandContext {

    /** The file of the global {@code -c FILE} option, if the user gave one. */
    Optional<Path> configFile();

    /**
     * The configuration the command line resolves: {@code -c FILE} (or {@code application.conf}) over the defaults of
     * every module's {@code reference.conf}, with {@code -D} overrides.
     *
     * @throws UserInputException if the file is missing or malformed (the message names the file, the line and key)
     */
    Config config();
}
