package fourm.examples.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.testing.ModalityProviderContract;
import fourm.testing.ReferenceFacts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plugin contract for the thermal modality, plus the checks of its own configuration. */
class ThermalTokensProviderTest extends ModalityProviderContract {
    private static final double MIN_KELVIN = 173.15;
    private static final double MAX_KELVIN = 373.15;

    @Override
    protected ModalityProvider provider() {
        return new ThermalTokensProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("tok_thermal@64", ModalityKind.IMAGE_TOKENS, 1024, 16,
                PositionalScheme.SINCOS_2D, GenerationScheme.MASKGIT);
    }

    /**
     * Maps that the tokenizer must reproduce exactly: constant over each 16x16 patch, at the centre of a bin (computed
     * here from the configured range, independently of the tokenizer). The first map covers both end bins.
     */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        SplittableRandom random = new SplittableRandom(7);
        List<Object> maps = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            int[] bins = random.ints(16, 0, 1024).toArray();
            if (n == 0) {
                bins[0] = 0;
                bins[15] = 1023;
            }
            maps.add(patchMap(bins));
        }
        return maps;
    }

    /** A 64x64 map whose 16x16 patch {@code i} (row-major) holds the centre of bin {@code bins[i]}. */
    static float[][] patchMap(int[] bins) {
        float[][] map = new float[64][64];
        for (int r = 0; r < 64; r++) {
            for (int c = 0; c < 64; c++) {
                int b = bins[(r / 16) * 4 + c / 16];
                map[r][c] = (float) (MIN_KELVIN + (b + 0.5) * (MAX_KELVIN - MIN_KELVIN) / 1024);
            }
        }
        return map;
    }

    @Test
    void defaultsStateTheRestOfTheSpecification() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.imageSize()).hasValue(64);
        assertThat(spec.patchSize()).hasValue(16);
        assertThat(spec.gridSide()).hasValue(4);
        assertThat(spec.generation()).contains(
                new DecoderStrategy(GenerationScheme.MASKGIT, 8, 1.0, "constant", 2.0, 0.8));
    }

    @Test
    void tokenizerIsARealOneForTemperatureMaps() {
        ModalityTokenizer<?> t = provider().create(node()).tokenizer().orElseThrow();
        assertThat(t.pretokenizedOnly()).isFalse();
        assertThat(t.valueType()).isEqualTo(float[][].class);
    }

    @Test
    void tokenizerRangeComesFromTheTokenizerNode() {
        Config narrow = node().withValue("tokenizer.min-kelvin", ConfigValueFactory.fromAnyRef(256.0))
                .withValue("tokenizer.max-kelvin", ConfigValueFactory.fromAnyRef(512.0));
        @SuppressWarnings("unchecked")
        ModalityTokenizer<float[][]> t =
                (ModalityTokenizer<float[][]>) provider().create(narrow).tokenizer().orElseThrow();
        float[][] map = new float[64][64];
        for (float[] row : map) {
            Arrays.fill(row, 300.1f);
        }
        // Bins of 0.25 K from 256 K: (300.1 - 256) / 0.25 = 176.4 -> bin 176 (the default range would give 649).
        assertThat(t.encode(map)).containsOnly(176);
    }

    @Test
    void unknownTokenizerKeyIsRefusedByName() {
        Config bad = node().withValue("tokenizer.emissivity", ConfigValueFactory.fromAnyRef(0.95));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer.emissivity").hasMessageContaining("max-kelvin, min-kelvin");
    }

    @Test
    void missingTokenizerNodeIsRefusedByName() {
        Config bad = node().withoutPath("tokenizer");
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer");
    }

    @Test
    void missingTokenizerSettingIsRefusedWithItsPath() {
        Config bad = node().withoutPath("tokenizer.max-kelvin");
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer.max-kelvin");
    }

    @Test
    void emptyTemperatureRangeIsRefusedNamingTheKey() {
        Config bad = node().withValue("tokenizer.max-kelvin", ConfigValueFactory.fromAnyRef(173.15));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer.max-kelvin").hasMessageContaining("greater than min-kelvin");
    }

    @Test
    void negativeKelvinIsRefusedNamingTheKey() {
        Config bad = node().withValue("tokenizer.min-kelvin", ConfigValueFactory.fromAnyRef(-1.0));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer.min-kelvin").hasMessageContaining(">= 0");
    }

    @Test
    void aKindOtherThanImageTokensIsRefused() {
        Config bad = node().withValue("kind", ConfigValueFactory.fromAnyRef("global-tokens"))
                .withValue("positional", ConfigValueFactory.fromAnyRef("learned"));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("kind").hasMessageContaining("image-tokens");
    }
}
