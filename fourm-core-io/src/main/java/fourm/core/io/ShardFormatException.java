package fourm.core.io;

import java.io.IOException;

/** A shard or a member file that does not follow its format (a truncated tar, a bad checksum, a bad .npy header). */
public class ShardFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and what was expected */
    public ShardFormatException(String message) {
        super(message);
    }
}
