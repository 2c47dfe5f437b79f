package fourm.modality.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionProviderTest extends ModalityEndToEndContract {
    @TempDir
    Path dir;

    @Override
    protected ModalityProvider provider() {
        return new CaptionProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("caption", ModalityKind.TOKEN_SEQUENCE, 30000, 256,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE)
                .withSequenceDefaults(32652, MaskingPolicy.SPAN, 256,
                        new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 2.0, 0.8),
                        String.class);
    }

    /** Captions already in the tokenizer's normal form (lower case, no accents, punctuation attached). */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        return List.of("a man riding a horse on the beach.", "two dogs playing with a frisbee in a park",
                "a traffic light next to a fire hydrant, at night!", "v0=12 v1=40 person", "");
    }

    @Test
    void theDefaultTokenizerIsTheBuiltinOne() {
        // That it is a real tokenizer for String values is checked by the contract (withSequenceDefaults).
        assertThat(node().getString("tokenizer")).isEqualTo("builtin");
    }

    @Test
    void noneMeansPretokenizedValues() {
        Config none = node().withValue("tokenizer", ConfigValueFactory.fromAnyRef("none"));
        assertThat(provider().create(none).tokenizer()).hasValueSatisfying(
                t -> assertThat(t.pretokenizedOnly()).isTrue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTokenizerFileIsLoadedFromThePathGiven() {
        Path file = dir.resolve("fourm-tokenizer.json");
        TokenizerBuilder.writeDefault(file);
        Config withFile = node().withValue("tokenizer", ConfigValueFactory.fromAnyRef(file.toString()));
        ModalityTokenizer<String> t = (ModalityTokenizer<String>) provider().create(withFile).tokenizer().orElseThrow();
        assertThat(t.encode("person")).containsExactly(4253);
    }

    @Test
    void aMissingTokenizerFileIsRefusedNamingTheKeyAndTheFile() {
        Path missing = dir.resolve("missing.json");
        Config bad = node().withValue("tokenizer", ConfigValueFactory.fromAnyRef(missing.toString()));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer").hasMessageContaining(missing.toString());
    }

    @Test
    void aTokenizerWithoutTheLayoutIsRefused() throws Exception {
        Path bert = dir.resolve("bert.json");
        Files.write(bert, TokenizerBuilder.class.getResourceAsStream(TokenizerBuilder.BERT_RESOURCE).readAllBytes());
        Config bad = node().withValue("tokenizer", ConfigValueFactory.fromAnyRef(bert.toString()));
        assertThatThrownBy(() -> provider().create(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenizer").hasMessageContaining("4M id layout");
    }

    @Test
    void aVocabularyLargerThanVocabSizeIsRefused() {
        Config small = node().withValue("vocab-size", ConfigValueFactory.fromAnyRef(20000));
        assertThatThrownBy(() -> provider().create(small)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("vocab-size").hasMessageContaining("30000 ids");
    }

    @Test
    void oneSettingSelectsTheTokenizerOfTheModality() {
        Config app = ConfigFactory.parseString("fourm.modality.text.tokenizer = none")
                .withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
        assertThat(app.getString("fourm.modality.text.caption.tokenizer")).isEqualTo("none");
    }
}
