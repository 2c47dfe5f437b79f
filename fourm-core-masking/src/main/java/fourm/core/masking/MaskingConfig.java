package fourm.core.masking;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import fourm.api.ModalitySpec;
import fourm.api.masking.SpecialTokens;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything {@link UnifiedMasking} needs: token budgets, the alpha mixture, the special text ids and the base seed.
 *
 * <p>Configuration lives under {@code fourm.masking} (see fourm-core's {@code reference.conf}): {@code preset} names
 * one entry of {@code presets}, each a complete recipe ({@code num-input-tokens}, {@code min-input-tokens},
 * {@code num-target-tokens}, {@code min-target-tokens}, {@code sampling-weights}, {@code modalities}). The
 * reference's 4M-7 and 4M-21 mixtures ship as {@code "4m-7"} and {@code "4m-21"}.
 *
 * @param numInputTokens  the input budget of a sample (its upper bound when a minimum is set)
 * @param minInputTokens  the input budget is drawn uniformly from {@code [min, num]}
 * @param numTargetTokens the target budget of a sample (its upper bound)
 * @param minTargetTokens the target budget is drawn uniformly from {@code [min, num]}
 * @param mixture         the Dirichlet mixture
 * @param special         PAD, EOS and sentinel ids
 * @param seed            the base seed; sample i uses the stream of (seed, i)
 */
public record MaskingConfig(int numInputTokens, int minInputTokens, int numTargetTokens, int minTargetTokens,
                            AlphaMixture mixture, SpecialTokens special, long seed) {
    /** Root of the masking configuration. */
    public static final String PATH = "fourm.masking";
    /** Keys a preset may hold. */
    public static final Set<String> PRESET_KEYS = Set.of("num-input-tokens", "min-input-tokens", "num-target-tokens",
            "min-target-tokens", "sampling-weights", "modalities");

    /** Checks the budgets: {@code 0 <= min <= num}, at least one input token. */
    public MaskingConfig {
        Objects.requireNonNull(mixture, "mixture");
        Objects.requireNonNull(special, "special");
        if (numInputTokens < 1 || minInputTokens < 0 || minInputTokens > numInputTokens) {
            throw new IllegalArgumentException("input budget needs 0 <= min-input-tokens <= num-input-tokens and"
                    + " num-input-tokens >= 1, got min " + minInputTokens + ", num " + numInputTokens);
        }
        if (numTargetTokens < 0 || minTargetTokens < 0 || minTargetTokens > numTargetTokens) {
            throw new IllegalArgumentException("target budget needs 0 <= min-target-tokens <= num-target-tokens, got"
                    + " min " + minTargetTokens + ", num " + numTargetTokens);
        }
    }

    /** The configuration of the preset named at {@code fourm.masking.preset}. */
    public static MaskingConfig fromConfig(Config root, Map<String, ModalitySpec> specs) {
        return preset(root, root.getString(PATH + ".preset"), specs);
    }

    /**
     * The configuration of preset {@code name} ({@code fourm.masking.presets."<name>"}), with the special ids and the
     * seed of {@code fourm.masking}.
     *
     * @throws ConfigException naming the key of any bad value; an unknown preset lists the known ones
     */
    public static MaskingConfig preset(Config root, String name, Map<String, ModalitySpec> specs) {
        Config masking = root.getConfig(PATH);
        Config presets = masking.getConfig("presets");
        String path = PATH + ".presets." + ConfigUtil.joinPath(name);
        if (!presets.root().containsKey(name)) {
            throw new ConfigException.BadValue(masking.origin(), PATH + ".preset", "unknown masking preset '" + name
                    + "'; the presets are " + new TreeSet<>(presets.root().keySet()));
        }
        Config node = presets.getConfig(ConfigUtil.quoteString(name));
        for (Map.Entry<String, ConfigValue> e : node.root().entrySet()) {
            if (!PRESET_KEYS.contains(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), path + "." + e.getKey(),
                        "unknown key; expected one of " + new TreeSet<>(PRESET_KEYS));
            }
        }
        if (!node.hasPath("modalities")) {
            throw new ConfigException.BadValue(node.origin(), path + ".modalities", "missing: the preset needs an"
                    + " object of per-modality alphas");
        }
        int numIn = integer(node, "num-input-tokens", path);
        int minIn = node.hasPath("min-input-tokens") ? integer(node, "min-input-tokens", path) : numIn;
        int numTgt = integer(node, "num-target-tokens", path);
        int minTgt = node.hasPath("min-target-tokens") ? integer(node, "min-target-tokens", path) : numTgt;
        AlphaMixture mixture = AlphaMixture.fromConfig(node, path, specs);
        SpecialTokens special = SpecialTokens.fromConfig(masking.getConfig("special-ids"), PATH + ".special-ids");
        try {
            return new MaskingConfig(numIn, minIn, numTgt, minTgt, mixture, special, masking.getLong("seed"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(node.origin(), path, e.getMessage());
        }
    }

    private static int integer(Config node, String key, String path) {
        try {
            return node.getInt(key);
        } catch (ConfigException.Missing e) {
            throw new ConfigException.BadValue(node.origin(), path + "." + key, "missing: expected an integer", e);
        } catch (ConfigException.WrongType e) {
            throw new ConfigException.BadValue(node.getValue(key).origin(), path + "." + key,
                    "expected an integer (" + e.getMessage() + ")", e);
        }
    }

    /** The same configuration with another base seed. */
    public MaskingConfig withSeed(long newSeed) {
        return new MaskingConfig(numInputTokens, minInputTokens, numTargetTokens, minTargetTokens, mixture, special,
                newSeed);
    }
}
