package fourm.examples.thermal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code tok_thermal@64}: a 64x64 thermal image as a 4x4 grid of 16 tokens (1024 temperature bins), generated with
 * MaskGIT in 8 steps. A modality the reference does not have, shipped as a plugin that depends on fourm-api only.
 *
 * <p>Its node, {@code fourm.modality.thermal}, holds the specification's keys at the top level and the tokenizer's
 * settings in a {@code tokenizer} sub-node: {@link #create(Config)} takes the sub-node off, reads the rest with
 * {@link ModalitySpec#fromConfig(Config)} (which refuses unknown keys) and checks the sub-node's keys itself.
 */
public final class ThermalTokensProvider implements ModalityProvider {
    /** The sub-node of the provider's node that holds the tokenizer's settings. */
    static final String TOKENIZER = "tokenizer";
    private static final Set<String> TOKENIZER_KEYS = Set.of("min-kelvin", "max-kelvin");

    @Override
    public String key() {
        return "tok_thermal@64";
    }

    @Override
    public String configPath() {
        return "fourm.modality.thermal";
    }

    @Override
    public Modality create(Config node) {
        ModalitySpec spec = ModalitySpec.fromConfig(node.withoutPath(TOKENIZER));
        if (spec.kind() != ModalityKind.IMAGE_TOKENS) {
            throw new ConfigException.BadValue(node.getValue("kind").origin(), "kind",
                    "the thermal tokenizer produces a grid of image tokens; expected image-tokens, got "
                            + spec.kind().configName());
        }
        Config tok = node.getConfig(TOKENIZER);
        for (Map.Entry<String, ConfigValue> e : tok.root().entrySet()) {
            if (!TOKENIZER_KEYS.contains(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), TOKENIZER + "." + e.getKey(),
                        "unknown key; expected one of " + new TreeSet<>(TOKENIZER_KEYS));
            }
        }
        double min = node.getDouble(TOKENIZER + ".min-kelvin");
        if (!Double.isFinite(min) || min < 0) {
            throw new ConfigException.BadValue(tok.getValue("min-kelvin").origin(), TOKENIZER + ".min-kelvin",
                    "expected a finite temperature >= 0 kelvin, got " + min);
        }
        double max = node.getDouble(TOKENIZER + ".max-kelvin");
        if (!Double.isFinite(max) || max <= min) {
            throw new ConfigException.BadValue(tok.getValue("max-kelvin").origin(), TOKENIZER + ".max-kelvin",
                    "expected a finite temperature greater than min-kelvin (" + min + " K), got " + max);
        }
        return Modality.of(spec, new ThermalTokenizer(spec.key(), spec.imageSize().getAsInt(),
                spec.patchSize().getAsInt(), spec.vocabSize().getAsInt(), min, max));
    }
}
