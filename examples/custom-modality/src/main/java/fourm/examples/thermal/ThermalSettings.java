package fourm.examples.thermal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.ConfigReader;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.vq.VqConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The thermal plugin's settings, read eagerly from its node ({@code fourm.modality.thermal}): the modality
 * specification at the top, the tokenizer in a {@code tokenizer} sub-node (temperature range, checkpoint,
 * architecture, training run). Every bad value is a {@link ConfigException} naming its key.
 *
 * @param spec       the specification
 * @param minKelvin  temperature mapped to the bottom of the tokenizer's range
 * @param maxKelvin  temperature mapped to the top
 * @param checkpoint the tokenizer's weights, when set
 * @param model      the tokenizer's architecture (a fourm-vq definition)
 */
record ThermalSettings(ModalitySpec spec, double minKelvin, double maxKelvin, Optional<Path> checkpoint,
                       VqConfig model) {
    /** The sub-node of the provider's node that holds the tokenizer's settings. */
    static final String TOKENIZER = "tokenizer";
    private static final Set<String> TOKENIZER_KEYS = Set.of("min-kelvin", "max-kelvin", "checkpoint", "model",
            "train");
    private static final Set<String> TRAIN_KEYS = Set.of("steps", "batch-size", "seed", "lr", "min-lr",
            "warmup-steps", "output");

    static ThermalSettings fromNode(Config node) {
        ModalitySpec spec = ModalitySpec.fromConfig(node.withoutPath(TOKENIZER));
        if (spec.kind() != ModalityKind.IMAGE_TOKENS) {
            throw new ConfigException.BadValue(node.getValue("kind").origin(), "kind",
                    "the thermal tokenizer produces a grid of image tokens; expected image-tokens, got "
                            + spec.kind().configName());
        }
        Config tok = node.getConfig(TOKENIZER);
        ConfigReader.rejectUnknown(tok, TOKENIZER + ".", TOKENIZER_KEYS);
        ConfigReader.rejectUnknown(node.getConfig(TOKENIZER + ".train"), TOKENIZER + ".train.", TRAIN_KEYS);
        for (String k : TRAIN_KEYS) {
            if (!tok.hasPath("train." + k)) {
                throw new ConfigException.Missing(tok.origin(), TOKENIZER + ".train." + k);
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
        String ck = node.getString(TOKENIZER + ".checkpoint");
        VqConfig model;
        try {
            model = VqConfig.fromConfig(spec.key(), tok.getConfig("model"));
        } catch (ConfigException e) {
            throw new ConfigException.BadValue(tok.origin(), TOKENIZER + ".model", e.getMessage(), e);
        }
        int patch = spec.patchSize().orElseThrow();
        if (model.channels() != 1 || model.patchSize() != patch || model.vocabSize() != spec.vocabSize()
                .orElseThrow()) {
            throw new ConfigException.BadValue(tok.getValue("model").origin(), TOKENIZER + ".model",
                    "the tokenizer must take 1 channel in patches of patch-size (" + patch + ") and have vocab-size ("
                            + spec.vocabSize().getAsInt() + ") codes; it has " + model.channels() + ", "
                            + model.patchSize() + " and " + model.vocabSize());
        }
        return new ThermalSettings(spec, min, max, ck.isBlank() ? Optional.empty() : Optional.of(Path.of(ck)), model);
    }

    String key() {
        return spec.key();
    }

    int height() {
        return spec.imageSize().orElseThrow();
    }

    int width() {
        return spec.imageWidth().orElse(height());
    }
}
