package fourm.tfjs.label;

import static fourm.testing.DenseLabelerFixtures.assertLabelsFromSeveralThreadsThenCloses;
import static fourm.testing.DenseLabelerFixtures.assertMap;
import static fourm.testing.DenseLabelerFixtures.expected;
import static fourm.testing.DenseLabelerFixtures.halvedMinus128;
import static fourm.testing.DenseLabelerFixtures.photo;
import static fourm.testing.DenseLabelerFixtures.scaled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.label.DenseMap;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.api.label.Rgb8Image;
import fourm.testing.DenseLabelerFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * comparing with the same arithmetic done by hand ({@link DenseLabelerFixtures}, the bench it shares with the
 * TorchScript labeler's test).
 */
class SavedModelLabelerTest {
    /** The bench's weights as W[kh][kw][ci][co], flattened in that order (TensorFlow's HWIO filter layout). */
    static final float[] W = DenseLabelerFixtures.WEIGHTS;
    static final DenseLabelerFixtures.Filter HWIO = (co, ci, kh, kw) -> W[((kh * 2 + kw) * 3 + ci) * 2 + co];

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

    static DenseMap label(Config node, Rgb8Image photo) {
        try (PseudoLabeler l = new SavedModelProvider().open(node)) {
            assertThat(l.name()).isEqualTo("features:savedmodel");
            assertThat(l.modalityKey()).isEqualTo("features");
            return (DenseMap) l.label(photo);
        }
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
        DenseMap map = label(node, photo);
        assertThat(map.name()).isEqualTo("features");
        assertMap(map, expected(scaled(photo, mean, std), HWIO));
    }

    @Test
    void shrinksALargerPhotoByAveragingAndReadsAnNchwOutput() {
        Rgb8Image photo = photo(8, 8, 2);
        float[] expected = expected(halvedMinus128(photo), HWIO);
        Config nhwc = node("range", 255).withValue("mean", ConfigValueFactory.fromIterable(List.of(128, 128, 128)));
        assertMap(label(nhwc, photo), expected);
        DenseMap chw = label(nhwc.withValue("output", ConfigValueFactory.fromAnyRef("features_chw"))
                .withValue("output-layout", ConfigValueFactory.fromAnyRef("nchw")), photo);
        assertThat(chw.name()).isEqualTo("features_chw");
        assertMap(chw, expected);
    }

    @Test
    void oneInstanceLabelsFromSeveralThreads() throws Exception {
        assertLabelsFromSeveralThreadsThenCloses(new SavedModelProvider().open(node()));
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
