package fourm.modality.keypoints;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.PositionalScheme;
import fourm.api.label.Keypoints;
import fourm.api.spi.ModalityProvider;
import fourm.contract.ModalityEndToEndContract;
import fourm.testing.ReferenceFacts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plugin contract for {@code keypoints}, a modality the reference does not have. */
class KeypointsProviderTest extends ModalityEndToEndContract {
    @Override
    protected ModalityProvider provider() {
        return new KeypointsProvider();
    }

    @Override
    protected ReferenceFacts expected() {
        return ReferenceFacts.discrete("keypoints", ModalityKind.TOKEN_SEQUENCE, 30000, 256,
                PositionalScheme.SINCOS_1D, GenerationScheme.AUTOREGRESSIVE);
    }

    /**
     * Values the text keeps exactly: up to 4 people, each with at least one visible keypoint at a bin centre
     * (score 1), the others at (0, 0) with score 0, pose score 1, people in serialisation order; and no people.
     */
    @Override
    protected List<Object> sampleValues(ModalitySpec spec) {
        SplittableRandom r = new SplittableRandom(17);
        List<Object> values = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            values.add(random(r, n % 5));
        }
        values.add(new Keypoints(KeypointsSerializer.COCO_17, List.of()));
        return values;
    }

    /** {@code people} random people on the bin grid, sorted by the top-left corner of their visible keypoints. */
    static Keypoints random(SplittableRandom r, int people) {
        record Person(Keypoints.Pose pose, long distance) {
        }
        List<Person> list = new ArrayList<>();
        for (int p = 0; p < people; p++) {
            List<Keypoints.Point> pts = new ArrayList<>();
            int minX = Integer.MAX_VALUE;
            int minY = Integer.MAX_VALUE;
            for (int k = 0; k < 17; k++) {
                if (k == 0 || r.nextBoolean()) {
                    int x = r.nextInt(1000);
                    int y = r.nextInt(1000);
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    pts.add(new Keypoints.Point(x / 999f, y / 999f, 1f));
                } else {
                    pts.add(new Keypoints.Point(0f, 0f, 0f));
                }
            }
            list.add(new Person(new Keypoints.Pose(1f, pts), (long) minX * minX + (long) minY * minY));
        }
        list.sort(Comparator.comparingLong(Person::distance));
        return new Keypoints(KeypointsSerializer.COCO_17, list.stream().map(Person::pose).toList());
    }

    @Test
    void defaultsFollowDet() {
        ModalitySpec spec = provider().create(node()).spec();
        assertThat(spec.modalityId()).as("15-bit id of the key").isEqualTo(12523);
        assertThat(spec.masking()).isEqualTo(MaskingPolicy.SPAN);
        assertThat(spec.maxLength()).as("positional table rows").isEqualTo(256);
        assertThat(spec.generation()).contains(new DecoderStrategy(
                GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 2.0, 0.8));
    }

    @Test
    @SuppressWarnings("unchecked")
    void idsAreTheSharedVocabularysPersonAndCoordinateTokens() {
        ModalityTokenizer<Keypoints> t = (ModalityTokenizer<Keypoints>) provider().create(node()).tokenizer()
                .orElseThrow();
        assertThat(t.valueType()).isEqualTo(Keypoints.class);
        assertThat(t.pretokenizedOnly()).isFalse();
        List<Keypoints.Point> pts = new ArrayList<>();
        pts.add(new Keypoints.Point(432 / 999f, 235 / 999f, 0.9f));
        for (int k = 1; k < 17; k++) {
            pts.add(new Keypoints.Point(0.5f, 0.5f, 0.1f));
        }
        int[] ids = t.encode(new Keypoints(KeypointsSerializer.COCO_17, List.of(new Keypoints.Pose(0.6f, pts))));
        // person (the COCO class token, 4204 + 49), v2=0, v0=432, v1=235 in the 4M id layout (spec §6.2).
        assertThat(ids).containsExactly(4253, 2204 + 0, 204 + 432, 1204 + 235);
    }
}
