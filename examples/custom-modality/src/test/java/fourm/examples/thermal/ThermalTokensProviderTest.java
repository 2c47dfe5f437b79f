package fourm.examples.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole plugin contract for the thermal modality, end to end with a tiny tokenizer trained from the plugin's own
 * configuration, plus the checks of its own settings.
 */
class ThermalTokensProviderTest extends ModalityEndToEndContract {

    @Override
    protected ModalityProvider provider() {
        return new ThermalTokensProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("tok_thermal@64", ModalityKind.IMAGE_TOKENS, 256, 8,
                PositionalScheme.SINCOS_2D, GenerationScheme.MASKGIT);
    }

    /** The plugin's node with a tiny trained tokenizer in place of the default (none). */
    @Override
    protected Config node() {
        return TinyTokenizer.nodeWithCheckpoint();
    }

    /** The tokenizer is learned, so lossy. */
    @Override
    protected boolean exactRoundTrip() {
        return false;
    }

    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        return drawn(3, r -> ThermalMaps.scene(r, 32, 64, 173.15, 373.15));
    }

    @Test
    void defaultsStateTheRestOfTheSpecification() {
        ModalitySpec spec = provider().create(ConfigFactory.defaultReference().getConfig(provider().configPath()))
                .spec();
        assertThat(spec.imageSize()).hasValue(32);
        assertThat(spec.imageWidth()).hasValue(64);
        assertThat(spec.patchSize()).hasValue(16);
        assertThat(spec.layout().gridShape()).containsExactly(2, 4);
        assertThat(spec.generation()).contains(
                new DecoderStrategy(GenerationScheme.MASKGIT, 8, 1.0, "constant", 2.0, 0.8));
    }

    @Test
    void withoutACheckpointItReportsItsTokenizerAndRefusesToEncodeNamingTheSetting() {
        Modality m = provider().create(ConfigFactory.defaultReference().getConfig(provider().configPath()));
        assertThat(m.tokenizerInfo().type()).isEqualTo("vq-vae");
        assertThat(m.tokenizerInfo().checkpoint()).isEmpty();
        @SuppressWarnings("unchecked")
        var t = (fourm.api.ModalityTokenizer<float[][]>) m.tokenizer().orElseThrow();
        assertThatThrownBy(() -> t.encode(new float[32][64])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tok_thermal@64: no tokenizer checkpoint")
                .hasMessageContaining("fourm.modality.thermal.tokenizer.checkpoint");
        assertThatThrownBy(() -> t.decode(new int[8])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fourm.modality.thermal.tokenizer.checkpoint");
    }

    @Test
    void withACheckpointItReportsIt() {
        Modality m = provider().create(node());
        assertThat(m.tokenizerInfo().checkpoint()).contains(TinyTokenizer.trained().checkpoint().toString());
    }

    @Test
    void unknownTokenizerKeyIsRefusedByName() {
        Config bad = node().withValue("tokenizer.emissivity", ConfigValueFactory.fromAnyRef(0.95));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer.emissivity").hasMessageContaining("max-kelvin, min-kelvin");
    }

    @Test
    void missingTokenizerSettingIsRefusedWithItsPath() {
        assertThatThrownBy(() -> provider().create(node().withoutPath("tokenizer.max-kelvin")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tokenizer.max-kelvin");
        assertThatThrownBy(() -> provider().create(node().withoutPath("tokenizer.train.steps")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tokenizer.train.steps");
    }

    @Test
    void emptyTemperatureRangeIsRefusedNamingTheKey() {
        Config bad = node().withValue("tokenizer.max-kelvin", ConfigValueFactory.fromAnyRef(173.15));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer.max-kelvin").hasMessageContaining("greater than min-kelvin");
    }

    @Test
    void aCodebookOtherThanTheVocabularyIsRefused() {
        Config bad = node().withValue("tokenizer.model.quantizer.codebook-size", ConfigValueFactory.fromAnyRef(128));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer.model").hasMessageContaining("vocab-size (256)");
    }

    @Test
    void aKindOtherThanImageTokensIsRefused() {
        Config bad = node().withValue("kind", ConfigValueFactory.fromAnyRef("global-tokens"))
                .withValue("positional", ConfigValueFactory.fromAnyRef("learned"));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kind").hasMessageContaining("image-tokens");
    }

    static float[][] scene(long seed) {
        return ThermalMaps.scene(new SplittableRandom(seed), 32, 64, 173.15, 373.15);
    }
}
