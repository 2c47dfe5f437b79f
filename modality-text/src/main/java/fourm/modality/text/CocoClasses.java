package fourm.modality.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 80 COCO object category names, in the order the 4M text vocabulary gives them ids (alphabetical, ids
 * {@link TokenLayout#FIRST_CLASS} ..). Multi-word names such as {@code traffic light} are single tokens of the
 * vocabulary. Read from the module's resource {@code coco-classes.txt}.
 */
public final class CocoClasses {
    /** How many class names there are. */
    public static final int COUNT = 80;
    private static final String RESOURCE = "coco-classes.txt";
    private static final List<String> NAMES = load();

    private CocoClasses() {
    }

    /** The 80 names in vocabulary order (immutable). */
    public static List<String> names() {
        return NAMES;
    }

    /** True when {@code name} is one of the 80 names (exact, lower case). */
    public static boolean contains(String name) {
        return NAMES.contains(name);
    }

    private static List<String> load() {
        try (InputStream in = CocoClasses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource fourm/modality/text/" + RESOURCE + " is missing from the"
                        + " modality-text jar");
            }
            List<String> names = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.strip());
                }
            }
            if (names.size() != COUNT) {
                throw new IllegalStateException("resource " + RESOURCE + ": expected " + COUNT + " class names, got "
                        + names.size());
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
    }
}
