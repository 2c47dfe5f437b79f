package fourm.examples.thermal;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.ValueFormat;
import fourm.api.spi.ModalityProvider;
import java.util.Optional;

/**
 * {@code tok_thermal@64}: a 32x64 thermal image (kelvin) as a 2x4 grid of 8 tokens from a learned VQ-VAE
 * tokenizer ({@link ThermalTokenizer}, trained by {@link ThermalTokenizerTraining}), generated with MaskGIT. A
 * modality the reference does not have, on a grid that is not square, shipped as a plugin.
 *
 * <p>Its node, {@code fourm.modality.thermal}, holds the specification's keys at the top level and the tokenizer's
 * settings in a {@code tokenizer} sub-node ({@link ThermalSettings}). {@link #create(Config)} reads and checks every
 * value and does no I/O: the tokenizer's checkpoint is loaded when a value is first encoded or decoded.
 */
public final class ThermalTokensProvider implements ModalityProvider {
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
        ThermalSettings s = ThermalSettings.fromNode(node);
        ThermalTokenizer tokenizer = new ThermalTokenizer(s.key(), configPath() + "." + ThermalSettings.TOKENIZER
                + ".checkpoint", s.checkpoint(), s.height(), s.width(), s.spec().patchSize().orElseThrow(),
                s.spec().vocabSize().orElseThrow(), s.minKelvin(), s.maxKelvin());
        return new Thermal(s.spec(), tokenizer, new ThermalFormat(s.height(), s.width(), s.minKelvin(),
                s.maxKelvin()));
    }

    /** The modality: its specification, its learned tokenizer and its file format. */
    private record Thermal(ModalitySpec spec, ThermalTokenizer thermalTokenizer, ThermalFormat thermalFormat)
            implements Modality {
        @Override
        public Optional<ModalityTokenizer<?>> tokenizer() {
            return Optional.of(thermalTokenizer);
        }

        @Override
        public Optional<ValueFormat<?>> format() {
            return Optional.of(thermalFormat);
        }
    }
}
