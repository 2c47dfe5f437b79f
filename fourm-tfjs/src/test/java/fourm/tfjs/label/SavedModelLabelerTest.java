package fourm.tfjs.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.label.DenseMap;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.api.label.Rgb8Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.Relu;
import org.tensorflow.types.TFloat32;

/**
 * Builds a tiny SavedModel in the test with TensorFlow Java's Ops API - a 2x2 convolution of stride 2 with known
 * weights, then relu, over a {@code [?, 4, 4, 3]} image - and labels photos through {@code features:savedmodel},
 * comparing with the same arithmetic done by hand.
 */
class SavedModelLabelerTest {
    /** W[kh][kw][ci][co], flattened in that order (TensorFlow's HWIO filter layout); mixed signs so relu matters. */
    static final float[] W = {
        0.5f, -1f, 0.25f, 0.5f, -0.75f, 1f,
        1f, 0.25f, -0.5f, -0.5f, 0.125f, 0.75f,
        -0.25f, 1f, 0.5f, -1f, 1f, 0.25f,
        0.75f, -0.5f, -1f, 0.5f, 0.25f, -0.25f};

    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void exportModel() throws IOException {
        model = tmp.resolve("tiny-savedmodel");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName("image").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 4, 4, 3)));
            var w = tf.constant(Shape.of(2, 2, 3, 2), DataBuffers.of(W, true, false));
            Relu<TFloat32> y = tf.nn.relu(tf.nn.conv2d(x, w, List.of(1L, 2L, 2L, 1L), "VALID"));
            var chw = tf.linalg.transpose(y, tf.constant(new int[] {0, 3, 1, 2}));
            var flat = tf.reshape(y, tf.constant(new int[] {1, 8}));
            Signature sig = Signature.builder().key("serving_default").input("image", x)
                    .output("features", y).output("features_chw", chw).output("flat", flat).build();
            try (Session s = new Session(g)) {
                SavedModelBundle.exporter(model.toString()).withFunction(SessionFunction.create(sig, s)).export();
            }
        }
    }

    static Config node() {
        return ConfigFactory.defaultReference().getConfig("fourm.labelers.savedmodel")
                .withValue("dir", ConfigValueFactory.fromAnyRef(model.toString()))
                .withValue("size", ConfigValueFactory.fromIterable(List.of(4, 4)))
                .withValue("output", ConfigValueFactory.fromAnyRef("features"))
                .withValue("threads", ConfigValueFactory.fromAnyRef(1));
    }

    static Config node(String key, Object value) {
        return node().withValue(key, ConfigValueFactory.fromAnyRef(value));
    }

    static Rgb8Image photo(int w, int h, int seed) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) ((i * 37 + seed * 11 + (i * i) % 7) % 256);
        }
        return new Rgb8Image(w, h, rgb);
    }

    /** The model's arithmetic by hand: x[y][x][c] already scaled, the 2x2 stride-2 conv, relu. */
    static float[] expected(float[][][] x) {
        float[] out = new float[2 * 2 * 2];
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                for (int co = 0; co < 2; co++) {
                    double sum = 0;
                    for (int kh = 0; kh < 2; kh++) {
                        for (int kw = 0; kw < 2; kw++) {
                            for (int ci = 0; ci < 3; ci++) {
                                sum += x[2 * oy + kh][2 * ox + kw][ci] * W[((kh * 2 + kw) * 3 + ci) * 2 + co];
                            }
                        }
                    }
                    out[(oy * 2 + ox) * 2 + co] = (float) Math.max(0, sum);
                }
            }
        }
        return out;
    }

    static DenseMap label(Config node, Rgb8Image photo) {
        try (PseudoLabeler l = new SavedModelProvider().open(node)) {
            assertThat(l.name()).isEqualTo("features:savedmodel");
            assertThat(l.modalityKey()).isEqualTo("features");
            return (DenseMap) l.label(photo);
        }
    }

    static void assertMap(DenseMap map, float[] expected) {
        assertThat(map.height()).isEqualTo(2);
        assertThat(map.width()).isEqualTo(2);
        assertThat(map.channels()).isEqualTo(2);
        float[] v = map.values();
        for (int i = 0; i < v.length; i++) {
            // 1e-5, relative above 1 (float32 sums of values in the hundreds).
            assertThat(v[i]).as("value %d", i).isCloseTo(expected[i],
                    within(1e-5f * Math.max(1, Math.abs(expected[i]))));
        }
        int positive = 0;
        for (float e : expected) {
            positive += e > 0 ? 1 : 0;
        }
        // The photo and weights are chosen so that relu both passes and clips values.
        assertThat(positive).isBetween(1, expected.length - 1);
    }

    @Test
    void theProviderIsDiscoveredAndHasDefaults() {
        assertThat(PseudoLabelerProvider.installed()).extracting(PseudoLabelerProvider::name)
                .contains("features:savedmodel");
        Config ref = ConfigFactory.defaultReference().getConfig("fourm.labelers.savedmodel");
        assertThat(ref.getString("signature")).isEqualTo("serving_default");
        assertThat(ref.getStringList("tags")).containsExactly("serve");
    }

    @Test
    void labelsThroughTheModelWithMeanAndStd() {
        Rgb8Image photo = photo(4, 4, 1);
        float[] mean = {0.5f, 0.25f, 0f};
        float[] std = {0.5f, 0.25f, 2f};
        Config node = node().withValue("mean", ConfigValueFactory.fromIterable(List.of(0.5, 0.25, 0)))
                .withValue("std", ConfigValueFactory.fromIterable(List.of(0.5, 0.25, 2)));
        float[][][] x = new float[4][4][3];
        for (int y = 0; y < 4; y++) {
            for (int c = 0; c < 4; c++) {
                int[] rgb = {photo.red(c, y), photo.green(c, y), photo.blue(c, y)};
                for (int ch = 0; ch < 3; ch++) {
                    x[y][c][ch] = (rgb[ch] / 255f - mean[ch]) / std[ch];
                }
            }
        }
        DenseMap map = label(node, photo);
        assertThat(map.name()).isEqualTo("features");
        assertMap(map, expected(x));
    }

    @Test
    void shrinksALargerPhotoByAveragingAndReadsAnNchwOutput() {
        Rgb8Image photo = photo(8, 8, 2);
        float[][][] x = new float[4][4][3];
        for (int y = 0; y < 4; y++) {
            for (int c = 0; c < 4; c++) {
                for (int ch = 0; ch < 3; ch++) {
                    float sum = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            int px = 2 * c + dx;
                            int py = 2 * y + dy;
                            sum += ch == 0 ? photo.red(px, py) : ch == 1 ? photo.green(px, py) : photo.blue(px, py);
                        }
                    }
                    x[y][c][ch] = sum / 4f - 128; // range 255, mean 128
                }
            }
        }
        float[] expected = expected(x);
        Config nhwc = node("range", 255).withValue("mean", ConfigValueFactory.fromIterable(List.of(128, 128, 128)));
        assertMap(label(nhwc, photo), expected);
        DenseMap chw = label(nhwc.withValue("output", ConfigValueFactory.fromAnyRef("features_chw"))
                .withValue("output-layout", ConfigValueFactory.fromAnyRef("nchw")), photo);
        assertThat(chw.name()).isEqualTo("features_chw");
        assertMap(chw, expected);
    }

    @Test
    void oneInstanceLabelsFromSeveralThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        PseudoLabeler l = new SavedModelProvider().open(node());
        try {
            List<Future<DenseMap>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int seed = i % 4;
                results.add(pool.submit(() -> (DenseMap) l.label(photo(4, 4, seed))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(results.get(i % 4).get());
            }
            l.close();
            l.close();
            assertThatThrownBy(() -> l.label(photo(4, 4, 0))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        } finally {
            l.close();
            pool.shutdownNow();
        }
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path missing = tmp.resolve("no-such-model");
        assertThatThrownBy(() -> label(node("dir", missing.toString()), photo(4, 4, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new SavedModelProvider().open(
                ConfigFactory.defaultReference().getConfig("fourm.labelers.savedmodel")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dir");
    }

    @Test
    void aDirectoryWithoutSavedModelSaysWhatItHolds() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("not-a-model"));
        Files.writeString(dir.resolve("weights.bin"), "x");
        assertThatThrownBy(() -> label(node("dir", dir.toString()), photo(4, 4, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(dir.toString())
                .hasMessageContaining("saved_model.pb").hasMessageContaining("weights.bin");
    }

    @Test
    void anUnknownSignatureListsTheSignatures() {
        assertThatThrownBy(() -> label(node("signature", "serving_other"), photo(4, 4, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(model.toString())
                .hasMessageContaining("serving_other").hasMessageContaining("[serving_default]");
    }

    @Test
    void anUnknownTagIsNamed() {
        assertThatThrownBy(() -> label(node().withValue("tags", ConfigValueFactory.fromIterable(List.of("gpu"))),
                photo(4, 4, 0))).isInstanceOf(IllegalStateException.class).hasMessageContaining(model.toString())
                .hasMessageContaining("[gpu]");
    }

    @Test
    void aWrongOutputNameListsTheOutputs() {
        assertThatThrownBy(() -> label(node("output", "logits"), photo(4, 4, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(model.toString())
                .hasMessageContaining("serving_default").hasMessageContaining("'logits'")
                .hasMessageContaining("[features, features_chw, flat]");
        assertThatThrownBy(() -> label(node("output", ""), photo(4, 4, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("single output")
                .hasMessageContaining("[features, features_chw, flat]");
    }

    @Test
    void anOutputThatIsNotAMapIsRefused() {
        assertThatThrownBy(() -> label(node("output", "flat"), photo(4, 4, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(model.toString())
                .hasMessageContaining("serving_default").hasMessageContaining("output 'flat'")
                .hasMessageContaining("4-D").hasMessageContaining("[1, 8]");
    }

    @Test
    void anInputOfAnotherShapeOrLayoutIsRefused() {
        assertThatThrownBy(() -> label(node("layout", "NCHW"), photo(4, 4, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(model.toString())
                .hasMessageContaining("input 'image'").hasMessageContaining("[1, 3, 4, 4]")
                .hasMessageContaining("[-1, 4, 4, 3]");
        assertThatThrownBy(() -> label(node().withValue("size", ConfigValueFactory.fromIterable(List.of(8, 8))),
                photo(4, 4, 0))).isInstanceOf(IllegalStateException.class).hasMessageContaining("[1, 8, 8, 3]");
        assertThatThrownBy(() -> label(node("layout", "CHW"), photo(4, 4, 0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("layout").hasMessageContaining("NCHW");
    }
}
