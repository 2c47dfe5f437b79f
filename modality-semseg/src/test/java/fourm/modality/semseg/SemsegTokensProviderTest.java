package fourm.modality.semseg;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import fourm.vq.modality.ImageTokenChecks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SemsegTokensProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new SemsegTokensProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("tok_semseg@224", ModalityKind.IMAGE_TOKENS, 4096, 196,
                PositionalScheme.SINCOS_2D, GenerationScheme.ROAR);
    }

    @Test
    void defaultsStateTheRestOfTheReferenceFacts() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.modalityId()).as("reference modality id").isEqualTo(12515);
        assertThat(spec.masking()).isEqualTo(MaskingPolicy.RANDOM_TOKENS);
        assertThat(spec.imageSize()).hasValue(224);
        assertThat(spec.patchSize()).hasValue(16);
        assertThat(spec.gridSide()).hasValue(14);
        assertThat(spec.valueDim()).isEmpty();
        assertThat(spec.generation()).contains(new DecoderStrategy(
                GenerationScheme.ROAR, 1, 0.01, "constant", 2.0, 0.8));
    }

    @Test
    void theClassesAreTheCocoPanopticCategoriesByClassId() {
        List<String> names = ((fourm.vq.modality.ImageTokenModality) provider().create(node())).classNames();
        // 80 things then 53 stuff, in the order of the COCO panoptic category ids (1..90 things, 92..200 stuff)
        assertThat(names).hasSize(133).doesNotHaveDuplicates();
        assertThat(names.subList(0, 10)).containsExactly("person", "bicycle", "car", "motorcycle", "airplane", "bus",
                "train", "truck", "boat", "traffic light");
        assertThat(names.get(62)).isEqualTo("tv");
        assertThat(names.get(79)).isEqualTo("toothbrush");
        assertThat(names.subList(80, 83)).containsExactly("banner", "blanket", "bridge");
        assertThat(names.get(86)).isEqualTo("door-stuff");
        assertThat(names.get(119)).isEqualTo("sky-other-merged");
        assertThat(names.subList(130, 133)).containsExactly("rock-merged", "wall-other-merged", "rug-merged");
        assertThat(SemsegTokensProvider.cocoPanoptic()).isEqualTo(names);
    }

    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        // A VQ tokenizer is lossy, so decode(encode(v)) is not v: ownsItsTokenizer checks encoding and decoding.
        return List.of();
    }

    @Test
    void ownsItsTokenizer(@TempDir Path dir) throws IOException {
        ImageTokenChecks.run(provider(), node(), "vq-vae", 4, 4, dir);
    }

    @Override
    protected Config endToEndNode(Path dir) throws IOException {
        return ImageTokenChecks.withTinyCheckpoint(provider(), node(), 4, 4, dir);
    }

    @Override
    protected Object endToEndValue(Modality m) {
        return ImageTokenChecks.sampleFor(m, 4, 4, 3);
    }
}
