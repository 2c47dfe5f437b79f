package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import fourm.core.ModalityRegistry;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TokenizerSetting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the text tokenizer of a sequence modality for {@code tokenize} and {@code detokenize}: the modality's provider
 * is discovered and created from the configuration, with its {@code tokenizer} setting replaced by
 * {@code --tokenizer FILE} when given. Only that modality is created.
 */
final class TextModalities {
    private TextModalities() {
    }

    /** The sequence tokenizer of modality {@code key}; every failure the user can fix is a {@link UserError}. */
    static SequenceTokenizer<?> resolve(Path config, String key, Path tokenizerFile) {
        Config root = Startup.loadConfig(config);
        ModalityRegistry registry = ModalityRegistry.discover();
        Modality modality = create(root, registry, key, tokenizerFile);
        ModalityTokenizer<?> t = modality.tokenizer().orElse(null);
        if (t instanceof SequenceTokenizer<?> sequence) {
            return sequence;
        }
        throw new UserError("modality '" + key + "' has no text tokenizer" + (t != null && t.pretokenizedOnly()
                ? " (its tokenizer setting is 'none': values are pre-tokenized)" : "")
                + "; tokenize and detokenize work on the text sequence modalities " + textKeys(registry, root));
    }

    /**
     * Creates modality {@code key} alone from the configuration; {@code tokenizerFile} replaces its tokenizer setting
     * (a text modality's {@code tokenizer}, an image modality's {@code tokenizer.checkpoint}).
     */
    static Modality create(Path config, String key, Path tokenizerFile) {
        return create(Startup.loadConfig(config), ModalityRegistry.discover(), key, tokenizerFile);
    }

    private static Modality create(Config root, ModalityRegistry registry, String key, Path tokenizerFile) {
        ModalityRegistry.Entry entry = registry.find(key).orElseThrow(() -> new UserError("unknown modality '" + key
                + "'; the modalities found on the module path are " + registry.keys()));
        String path = entry.provider().configPath();
        try {
            Config node = root.getConfig(path);
            if (tokenizerFile != null) {
                String setting = node.hasPath(TokenizerSetting.KEY) && node.getValue(TokenizerSetting.KEY).valueType()
                        == ConfigValueType.OBJECT ? TokenizerSetting.KEY + ".checkpoint" : TokenizerSetting.KEY;
                node = node.withValue(setting, ConfigValueFactory.fromAnyRef(tokenizerFile.toString(),
                        "--tokenizer"));
            }
            return entry.provider().create(node);
        } catch (ConfigException e) {
            throw new UserError("modality '" + key + "' (" + path + "): " + e.getMessage(), e);
        }
    }

    /** The first discovered modality (by key) that has a text tokenizer setting. */
    static String firstTextModality(Path config) {
        Config root = Startup.loadConfig(config);
        List<String> keys = textKeys(ModalityRegistry.discover(), root);
        if (keys.isEmpty()) {
            throw new UserError("no text sequence modality was found on the module path; name one with --modality");
        }
        return keys.get(0);
    }

    private static List<String> textKeys(ModalityRegistry registry, Config root) {
        List<String> keys = new ArrayList<>();
        for (ModalityRegistry.Entry e : registry.entries()) {
            Config node = root.hasPath(e.provider().configPath()) ? root.getConfig(e.provider().configPath()) : null;
            if (node != null && node.hasPath(TokenizerSetting.KEY)) {
                keys.add(e.provider().key());
            }
        }
        return keys;
    }
}
