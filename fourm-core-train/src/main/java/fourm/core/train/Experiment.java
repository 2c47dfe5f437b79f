package fourm.core.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.PretokenizedTokenizer;
import fourm.api.masking.SpecialTokens;
import fourm.core.masking.AlphaMixture;
import fourm.core.masking.MaskingConfig;
import fourm.core.model.FourMConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A training run's settings resolved against its modalities: the modalities with their vocabulary overrides, the
 * model configuration and the masking recipe. {@link #prepare(Config, Map)} checks everything that depends on the
 * modalities, so that together with {@link TrainSettings#fromConfig(Config)} an invalid configuration fails before
 * any data is read or any weight is created.
 *
 * @param settings   the run's settings
 * @param modalities the enabled modalities in experiment order, vocabulary overrides applied
 * @param model      the transformer configuration
 * @param masking    budgets, mixture, special ids; the seed is the run's seed
 * @param config     the resolved configuration the run came from (recorded as provenance)
 */
public record Experiment(TrainSettings settings, Map<String, Modality> modalities, FourMConfig model,
                         MaskingConfig masking, Config config) {

    /** Copies the map. */
    public Experiment {
        modalities = Collections.unmodifiableMap(new LinkedHashMap<>(modalities));
    }

    /**
     * Reads {@code fourm.train} of {@code root} and resolves it against the enabled modalities.
     *
     * @param root    the resolved configuration
     * @param enabled the experiment's modalities ({@code fourm.experiment.modalities}), in order
     * @throws ConfigException naming the key of the first bad value
     */
    public static Experiment prepare(Config root, Map<String, Modality> enabled) {
        TrainSettings settings = TrainSettings.fromConfig(root);
        return prepare(root, settings, enabled);
    }

    /** As {@link #prepare(Config, Map)} with settings already read. */
    public static Experiment prepare(Config root, TrainSettings settings, Map<String, Modality> enabled) {
        if (enabled.isEmpty()) {
            throw new ConfigException.BadValue("fourm.experiment.modalities", "training needs at least one modality");
        }
        SpecialTokens special = SpecialTokens.fromConfig(root.getConfig("fourm.masking.special-ids"),
                "fourm.masking.special-ids");
        Map<String, Modality> mods = applyVocabSizes(root, settings, enabled, special);
        Map<String, ModalitySpec> specs = specs(mods);
        FourMConfig model = modelConfig(root, settings, specs);
        MaskingConfig masking = maskingConfig(root, settings, specs, special);
        if (settings.data().toySamples() > 0) {
            try {
                ToyData.roles(specs);
            } catch (IllegalArgumentException e) {
                String path = TrainSettings.PATH + ".data.toy-samples";
                throw new ConfigException.BadValue(root.hasPath(path) ? root.getValue(path).origin() : root.origin(),
                        path, "the experiment's modalities cannot hold the toy data: " + e.getMessage());
            }
        }
        return new Experiment(settings, mods, model, masking, root);
    }

    /** The modalities' specifications, in experiment order. */
    public Map<String, ModalitySpec> specs() {
        return specs(modalities);
    }

    private static Map<String, ModalitySpec> specs(Map<String, Modality> mods) {
        Map<String, ModalitySpec> out = new LinkedHashMap<>();
        mods.forEach((k, m) -> out.put(k, m.spec()));
        return out;
    }

    private static Map<String, Modality> applyVocabSizes(Config root, TrainSettings s, Map<String, Modality> enabled,
                                                         SpecialTokens special) {
        String base = TrainSettings.PATH + ".vocab-sizes";
        for (String key : s.vocabSizes().keySet()) {
            if (!enabled.containsKey(key)) {
                throw new ConfigException.BadPath(origin(root, base, key), base + "." + ConfigUtil.quoteString(key),
                        "'" + key + "' is not an enabled modality; the experiment's modalities are "
                                + enabled.keySet());
            }
            if (!enabled.get(key).spec().layout().discrete()) {
                throw new ConfigException.BadValue(origin(root, base, key), base + "." + ConfigUtil.quoteString(key),
                        "'" + key + "' takes values (its layout is " + enabled.get(key).spec().layout().name()
                                + ") and has no vocabulary");
            }
        }
        Map<String, Modality> out = new LinkedHashMap<>();
        for (Map.Entry<String, Modality> e : enabled.entrySet()) {
            Modality m = e.getValue();
            ModalitySpec spec = m.spec();
            Integer v = s.vocabSizes().get(e.getKey());
            if (v != null) {
                spec = spec.withVocabSize(v);
                ModalityTokenizer<?> tok = m.tokenizer().orElseThrow();
                m = tok.pretokenizedOnly() ? Modality.of(spec, new PretokenizedTokenizer(spec.key(), v,
                        spec.maxTokens())) : Modality.of(spec, tok);
            }
            if (spec.layout().sequence() && spec.layout().discrete()) {
                int needed = Math.max(special.eos(), special.firstSentinel() + special.sentinels() - 1) + 1;
                int vocab = spec.vocabSize().orElseThrow();
                if (vocab < needed) {
                    String key = v != null ? base + "." + ConfigUtil.quoteString(e.getKey())
                            : TrainSettings.PATH + ".vocab-sizes";
                    throw new ConfigException.BadValue(key, "the vocabulary of sequence modality '" + e.getKey()
                            + "' (" + vocab + ") must hold the special ids of fourm.masking.special-ids (up to "
                            + (needed - 1) + "); use at least " + needed);
                }
            }
            out.put(e.getKey(), m);
        }
        return out;
    }

    private static com.typesafe.config.ConfigOrigin origin(Config root, String base, String key) {
        String p = base + "." + ConfigUtil.quoteString(key);
        return root.hasPath(p) ? root.getValue(p).origin() : root.origin();
    }

    private static FourMConfig modelConfig(Config root, TrainSettings s, Map<String, ModalitySpec> specs) {
        String path = TrainSettings.PATH + ".model";
        FourMConfig.Builder b = s.model().builder();
        for (ModalitySpec spec : specs.values()) {
            b.modality(spec, spec.encoder(), spec.decoder());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(root.hasPath(path) ? root.getValue(path).origin() : root.origin(),
                    path, e.getMessage());
        }
    }

    private static MaskingConfig maskingConfig(Config root, TrainSettings s, Map<String, ModalitySpec> specs,
                                               SpecialTokens special) {
        TrainSettings.Masking m = s.masking();
        String mixturePath = TrainSettings.PATH + ".masking.mixture";
        AlphaMixture mixture;
        int numIn;
        int minIn;
        int numTgt;
        int minTgt;
        if (m.preset().isPresent()) {
            String name = m.preset().get();
            Config presets = root.getConfig(MaskingConfig.PATH + ".presets");
            if (!presets.root().containsKey(name)) {
                throw new ConfigException.BadValue(root.getValue(mixturePath).origin(), mixturePath,
                        "unknown mixture preset '" + name + "'; the presets of " + MaskingConfig.PATH
                                + ".presets are " + new TreeSet<>(presets.root().keySet())
                                + " (or give an inline object)");
            }
            String presetPath = MaskingConfig.PATH + ".presets." + ConfigUtil.quoteString(name);
            Config node = presets.getConfig(ConfigUtil.quoteString(name));
            // The preset restricted to the experiment's modalities.
            Map<String, Object> kept = new LinkedHashMap<>();
            if (node.hasPath("modalities")) {
                for (Map.Entry<String, ConfigValue> e : node.getConfig("modalities").root().entrySet()) {
                    if (specs.containsKey(e.getKey())) {
                        kept.put(e.getKey(), e.getValue());
                    }
                }
            }
            Config restricted = node.withValue("modalities", ConfigValueFactory.fromMap(kept));
            mixture = wrap(mixturePath, () -> AlphaMixture.fromConfig(restricted, presetPath, specs));
            numIn = m.numInputTokens().orElseGet(() -> presetInt(node, "num-input-tokens", presetPath));
            minIn = m.minInputTokens().orElseGet(() -> m.numInputTokens().isPresent() ? numIn
                    : node.hasPath("min-input-tokens") ? presetInt(node, "min-input-tokens", presetPath) : numIn);
            numTgt = m.numTargetTokens().orElseGet(() -> presetInt(node, "num-target-tokens", presetPath));
            minTgt = m.minTargetTokens().orElseGet(() -> m.numTargetTokens().isPresent() ? numTgt
                    : node.hasPath("min-target-tokens") ? presetInt(node, "min-target-tokens", presetPath) : numTgt);
        } else {
            Config inline = m.inline().orElseThrow();
            mixture = AlphaMixture.fromConfig(inline, mixturePath, specs);
            numIn = m.numInputTokens().getAsInt();
            minIn = m.minInputTokens().orElse(numIn);
            numTgt = m.numTargetTokens().getAsInt();
            minTgt = m.minTargetTokens().orElse(numTgt);
        }
        try {
            return new MaskingConfig(numIn, minIn, numTgt, minTgt, mixture, special, s.seed());
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(TrainSettings.PATH + ".masking", e.getMessage());
        }
    }

    private static AlphaMixture wrap(String path, java.util.function.Supplier<AlphaMixture> read) {
        try {
            return read.get();
        } catch (ConfigException e) {
            throw new ConfigException.BadValue(path, "the preset does not fit the experiment: " + e.getMessage(), e);
        }
    }

    private static int presetInt(Config node, String key, String path) {
        try {
            return node.getInt(key);
        } catch (ConfigException e) {
            throw new ConfigException.BadValue(path + "." + key, "expected an integer: " + e.getMessage());
        }
    }
}
