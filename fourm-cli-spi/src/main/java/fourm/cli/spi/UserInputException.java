package fourm.cli.spi;

/**
 * A mistake the user can fix, thrown by a plugin's command: a bad or missing file, a mistyped or missing setting, an
 * option out of range. The command line prints its message as one line on stderr and exits with code 2. The message
 * names what is wrong, where (file, key or option) and what was expected.
 */
public class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, where, and what was expected */
    public UserInputException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, where, and what was expected
     * @param cause   the underlying error, listed with {@code --verbose}
     */
    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
