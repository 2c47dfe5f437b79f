package fourm.modality.text;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code tokenizer} setting of a sequence modality's configuration node: which text tokenizer it uses.
 *
 * <ul>
 *   <li>{@code builtin}: fourm's own default ({@link TextTokenizer#builtin()});</li>
 *   <li>a path to a Hugging Face {@code tokenizer.json} with the 4M id layout, for example the reference's
 *       {@code text_tokenizer_4m_wordpiece_30k.json};</li>
 *   <li>{@code none}: no tokenizer; the modality's values then arrive pre-tokenized.</li>
 * </ul>
 * Every sequence modality's reference.conf sets it to {@code ${fourm.modality.text.tokenizer}}, so one line selects the
 * tokenizer of all of them. A file is loaded once per JVM (while its size and modification time stay the same).
 */
public final class TokenizerSetting {
    /** The key inside a modality's node. */
    public static final String KEY = "tokenizer";
    /** The value selecting fourm's own tokenizer. */
    public static final String BUILTIN = "builtin";
    /** The value selecting no tokenizer (pre-tokenized values). */
    public static final String NONE = "none";

    private static final Map<String, TextTokenizer> FILES = new ConcurrentHashMap<>();

    private TokenizerSetting() {
    }

    /**
     * Reads the setting and returns the tokenizer it names, checked against the 4M id layout.
     *
     * @return empty for {@code none}
     * @throws ConfigException naming the key, the configuration file and the problem when the setting is missing,
     *                         not a string, or names a file that is missing, unreadable, not a tokenizer or not laid
     *                         out like the 4M vocabulary
     */
    public static Optional<TextTokenizer> read(Config node) {
        String value = node.getString(KEY);
        ConfigValue origin = node.getValue(KEY);
        if (value.equals(NONE)) {
            return Optional.empty();
        }
        try {
            TextTokenizer t = value.equals(BUILTIN) ? TextTokenizer.builtin() : file(Paths.get(value));
            t.requireReferenceLayout();
            return Optional.of(t);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new ConfigException.BadValue(origin.origin(), KEY, "expected '" + BUILTIN + "', '" + NONE
                    + "' or the path of a tokenizer.json with the 4M id layout: " + e.getMessage(), e);
        }
    }

    /** The node without the setting, for {@link fourm.api.ModalitySpec#fromConfig(Config)}. */
    public static Config withoutSetting(Config node) {
        return node.withoutPath(KEY);
    }

    private static TextTokenizer file(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        String key;
        try {
            BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
            key = abs + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw new IllegalArgumentException("tokenizer file " + abs + " does not exist or cannot be read", e);
        }
        return FILES.computeIfAbsent(key, k -> TextTokenizer.load(abs));
    }
}
