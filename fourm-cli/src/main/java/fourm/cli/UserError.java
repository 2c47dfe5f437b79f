package fourm.cli;

import com.typesafe.config.ConfigException;
import fourm.cli.spi.UserInputException;
import fourm.core.data.BadDatasetException;
import fourm.core.data.BadSampleException;
import fourm.core.data.IncompleteDatasetException;
import fourm.core.io.OutputLockedException;
import fourm.core.model.NonFiniteCheckpointException;
import fourm.core.train.NonFiniteTrainingException;
import java.io.PrintWriter;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A mistake the user can fix: a bad or missing file, an unknown modality, a mistyped or missing setting, two plugins
 * providing one modality key. The CLI prints its message as one line on stderr and exits with
 * {@link Main#USER_ERROR}. The message names what is wrong, where (file, key or module) and what was expected.
 */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns {@code e} as a user error when it is one: a {@link UserError} itself or a Typesafe
     * {@link ConfigException} (whose message already names the file, the line and the key); {@code null} otherwise.
     */
    static UserError classify(Throwable e) {
        if (e instanceof UserError u) {
            return u;
        }
        if (e instanceof UserInputException u) {
            return new UserError(u.getMessage(), u.getCause());
        }
        if (e instanceof ConfigException ce) {
            return new UserError(ce.getMessage(), ce);
        }
        if (e instanceof OutputLockedException locked) {
            return new UserError(locked.getMessage(), locked);
        }
        if (e instanceof BadSampleException bad) {
            return new UserError("bad data: " + bad.getMessage(), bad);
        }
        if (e instanceof IncompleteDatasetException || e instanceof BadDatasetException
                || e instanceof NonFiniteTrainingException || e instanceof NonFiniteCheckpointException) {
            return new UserError(e.getMessage(), e);
        }
        return null;
    }

    /** Prints one {@code caused by} line per exception of the chain, guarding against cycles. */
    static void printCauses(PrintWriter err, Throwable cause) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = cause; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            err.println("  caused by: " + t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
