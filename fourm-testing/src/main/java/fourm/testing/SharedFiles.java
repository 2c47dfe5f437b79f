package fourm.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The one way tests read files of the shared reference folder (golden weights, inputs and outputs, the reference
 * tokenizer). The folder is found from the system property {@code fourm.shared.dir} (the build sets it to
 * {@code ../shared} beside the checkout) or by walking up from the working directory to a folder that has a
 * {@code shared/reference} sibling. Where it is absent, the calling test is skipped with a message saying where it
 * was looked for; nothing is ever copied into the project.
 */
public final class SharedFiles {
    /** System property naming the shared folder. */
    public static final String PROPERTY = "fourm.shared.dir";

    private SharedFiles() {
    }

    /** The shared folder, if it can be found. */
    public static Optional<Path> root() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop).toAbsolutePath().normalize();
            return Files.isDirectory(p.resolve("reference")) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("reference"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the file at {@code relative} inside the shared folder, or skips the calling test (JUnit assumption) with a
     * message naming what is missing and where it was looked for.
     */
    public static Path require(String relative) {
        Optional<Path> root = root();
        Assumptions.assumeTrue(root.isPresent(), () -> "skipped: the shared reference folder was not found (set -D"
                + PROPERTY + "=<dir> or place 'shared/' beside the checkout); looked for " + describeLookup());
        Path file = root.get().resolve(relative);
        Assumptions.assumeTrue(Files.exists(file), () -> "skipped: " + file + " does not exist in the shared folder");
        return file;
    }

    private static String describeLookup() {
        String prop = System.getProperty(PROPERTY);
        return prop != null ? Paths.get(prop).toAbsolutePath().normalize() + "/reference"
                : "a 'shared/reference' sibling of " + Paths.get("").toAbsolutePath() + " or its parents";
    }
}
