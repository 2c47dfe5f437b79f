package fourm.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.label.DenseMap;
import fourm.api.label.LabelResult;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.api.label.Rgb8Image;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SyntheticImageTeacherTest {
    private static final Config REFERENCE = ConfigFactory.defaultReference();

    /** A small teacher for the behaviour tests: 64 px, patch 8, an 8 x 8 grid of 32 channels. */
    private static SyntheticImageTeacher small(long seed) {
        return new SyntheticImageTeacher(new SyntheticImageTeacher.Sizes(64, 8, 64, 32, 0.5f, 0.25f, seed));
    }

    private static PseudoLabelerProvider provider(String name) {
        return PseudoLabelerProvider.installed().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not installed"));
    }

    private static PseudoLabeler open(String name) {
        PseudoLabelerProvider p = provider(name);
        return p.open(REFERENCE.getConfig(p.configPath()));
    }

    @Test
    void theFiveTeachersAreInstalledWithTheirSettings() {
        List<String> names = PseudoLabelerProvider.installed().stream().map(PseudoLabelerProvider::name).toList();
        assertThat(names).contains("clip:synthetic", "dinov2:synthetic", "imagebind:synthetic",
                "dinov2-global:synthetic", "imagebind-global:synthetic");
        assertThat(provider("clip:synthetic").configPath()).isEqualTo("fourm.labelers.clip-synthetic");
        assertThat(provider("imagebind-global:synthetic").configPath())
                .isEqualTo("fourm.labelers.imagebind-global-synthetic");
    }

    /** The real teachers' shapes at 224 px (spec-4m.md §6.1, §9), for any photo size; each call well under a second. */
    @Test
    void labelsHaveTheRealTeachersShapesAt224() {
        Rgb8Image photo = Images.photo(320, 240, 1);
        Object[][] expected = {
            {"clip:synthetic", "CLIP-B16", 14, 512},
            {"dinov2:synthetic", "DINOv2-B14", 16, 768},
            {"imagebind:synthetic", "ImageBind-H14", 16, 1280},
            {"dinov2-global:synthetic", "DINOv2-B14-global", 1, 768},
            {"imagebind-global:synthetic", "ImageBind-H14-global", 1, 1024},
        };
        for (Object[] e : expected) {
            try (PseudoLabeler l = open((String) e[0])) {
                assertThat(l.name()).isEqualTo(e[0]);
                assertThat(l.modalityKey()).isEqualTo(e[1]);
                l.label(photo); // warm-up
                long t0 = System.nanoTime();
                LabelResult r = l.label(photo);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "%s: %s in %.0f ms%n", e[0], r, ms);
                assertThat(r).isInstanceOf(DenseMap.class);
                DenseMap m = (DenseMap) r;
                assertThat(new int[] {m.height(), m.width(), m.channels()})
                        .containsExactly((int) e[2], (int) e[2], (int) e[3]);
                assertThat(ms).as("one label call of %s", e[0]).isLessThan(1000);
            }
        }
    }

    @Test
    void sameImageGivesIdenticalFeaturesAcrossInstances() {
        Rgb8Image photo = Images.photo(224, 224, 2);
        try (PseudoLabeler a = open("dinov2:synthetic"); PseudoLabeler b = open("dinov2:synthetic")) {
            DenseMap first = (DenseMap) a.label(photo);
            assertThat(a.label(photo)).isEqualTo(first);
            assertThat(b.label(photo)).isEqualTo(first);
        }
        assertThat(small(5).featureMap(photo)).containsExactly(small(5).featureMap(photo));
        assertThat(small(5).globalEmbedding(photo)).containsExactly(small(5).globalEmbedding(photo));
    }

    /**
     * The weights come from the seed alone, so features never change between runs, JVMs or versions of this module
     * without notice: these values were recorded once from {@code clip:synthetic}'s defaults. If the network is
     * changed on purpose, features computed before are no longer comparable; record the new values and say so.
     */
    @Test
    void defaultClipFeaturesMatchTheRecordedValues() {
        try (PseudoLabeler l = open("clip:synthetic")) {
            DenseMap m = (DenseMap) l.label(Images.photo(224, 224, 3));
            float[] got = {m.at(0, 0, 0), m.at(0, 0, 511), m.at(7, 3, 100), m.at(13, 13, 255)};
            assertThat(got).containsExactly(RECORDED);
        }
    }

    private static final float[] RECORDED = {2.033652f, 1.3674119f, 0.6531828f, 1.2665515f};

    @Test
    void differentSeedsOrImagesGiveDifferentFeatures() {
        Rgb8Image p = Images.photo(64, 64, 4);
        Rgb8Image q = Images.photo(64, 64, 5);
        float[] fp = small(1).featureMap(p);
        assertThat(distance(fp, small(1).featureMap(q))).isGreaterThan(0.1 * norm(fp));
        assertThat(distance(fp, small(2).featureMap(p))).isGreaterThan(0.1 * norm(fp));
        float[] gp = small(1).globalEmbedding(p);
        float[] gq = small(1).globalEmbedding(q);
        assertThat(dot(gp, gq)).isLessThan(0.999);
    }

    @Test
    void globalEmbeddingsHaveUnitLength() {
        try (PseudoLabeler l = open("imagebind-global:synthetic")) {
            for (long seed = 10; seed < 13; seed++) {
                float[] g = ((DenseMap) l.label(Images.photo(200, 150, seed))).values();
                assertThat(norm(g)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        float[] grey = small(1).globalEmbedding(new Rgb8Image(64, 64, filled(64 * 64 * 3, (byte) 128)));
        assertThat(norm(grey)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    /** Repainting one patch changes that patch's feature most, its neighbour's less and a far patch's least. */
    @Test
    void featuresAreLocal() {
        SyntheticImageTeacher t = small(3);
        Rgb8Image p = Images.photo(64, 64, 6);
        Rgb8Image q = Images.paint(p, 0, 0, 8, 250, 10, 10);
        float[] a = t.featureMap(p);
        float[] b = t.featureMap(q);
        double here = cellDistance(a, b, 0, 0, 8, 32);
        double next = cellDistance(a, b, 0, 1, 8, 32);
        double far = cellDistance(a, b, 7, 7, 8, 32);
        System.out.printf(Locale.ROOT, "change at (0,0): %.4f there, %.4f at (0,1), %.4f at (7,7)%n", here, next, far);
        assertThat(here).isGreaterThan(3 * next);
        assertThat(next).isGreaterThan(3 * far);
        assertThat(far).isGreaterThan(0); // the whole-image mean reaches every patch
    }

    @Test
    void aClosedLabelerRefusesToLabel() {
        PseudoLabeler l = open("clip:synthetic");
        l.close();
        l.close();
        assertThatThrownBy(() -> l.label(Images.photo(16, 16, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void badSettingsAreRefusedByKey() {
        Config node = REFERENCE.getConfig("fourm.labelers.clip-synthetic");
        PseudoLabelerProvider p = provider("clip:synthetic");
        assertThatThrownBy(() -> p.open(node.withValue("image-size", ConfigValueFactory.fromAnyRef(-224))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("image-size");
        assertThatThrownBy(() -> p.open(node.withValue("image-size", ConfigValueFactory.fromAnyRef(200))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("image-size")
                .hasMessageContaining("multiple of patch-size (16)");
        assertThatThrownBy(() -> p.open(node.withValue("channels", ConfigValueFactory.fromAnyRef(0))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("channels");
        assertThatThrownBy(() -> p.open(node.withValue("neighbour-mix", ConfigValueFactory.fromAnyRef(-1))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("neighbour-mix");
        assertThatThrownBy(() -> p.open(node.withValue("patch", ConfigValueFactory.fromAnyRef(16))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("patch").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> p.open(node.withoutPath("seed")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("seed");
    }

    @Test
    void resizingKeepsASquarePhotoAsItIsAndAveragesWhenShrinking() {
        Rgb8Image p = Images.photo(16, 16, 7);
        float[] same = Resize.square(p, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(same[(y * 16 + x) * 3]).isEqualTo(p.red(x, y) / 255f);
            }
        }
        // A 2x2 checkerboard of black and white shrunk to one pixel is mid-grey.
        byte[] board = new byte[2 * 2 * 3];
        for (int i = 0; i < 3; i++) {
            board[i] = (byte) 255;
            board[9 + i] = (byte) 255;
        }
        float[] one = Resize.square(new Rgb8Image(2, 2, board), 1);
        assertThat(one[0]).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, v);
        return b;
    }

    private static double cellDistance(float[] a, float[] b, int row, int col, int grid, int ch) {
        double s = 0;
        int o = (row * grid + col) * ch;
        for (int k = 0; k < ch; k++) {
            double d = a[o + k] - b[o + k];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
