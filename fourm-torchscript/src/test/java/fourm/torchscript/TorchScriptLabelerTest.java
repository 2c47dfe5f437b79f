package fourm.torchscript;

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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes small TorchScript modules in the test with {@link TorchScriptArchive} - a 2x2 convolution of stride 2 with
 * known weights, then relu - loads them through {@code features:torchscript} (libtorch via DJL) and compares the labels
 * with the same arithmetic done by hand ({@link DenseLabelerFixtures}, the bench it shares with the SavedModel
 * labeler's test).
 */
class TorchScriptLabelerTest {
    /** The bench's weights as W[co][ci][kh][kw] (PyTorch's OIHW filter layout). */
    static final float[] W = DenseLabelerFixtures.WEIGHTS;
    static final DenseLabelerFixtures.Filter OIHW = (co, ci, kh, kw) -> W[((co * 3 + ci) * 2 + kh) * 2 + kw];
    static final String CONV = "torch.relu(torch.conv2d(x, self.weight, None, [2, 2]))";

    @TempDir
    static Path tmp;
    static Path conv;

    @BeforeAll
    static void writeModels() throws IOException {
        conv = write("conv.pt", "return " + CONV);
    }

    static Path write(String name, String body) throws IOException {
        return write(name, body, "Tensor");
    }

    static Path write(String name, String body, String returnType) throws IOException {
        Path f = tmp.resolve(name);
        TorchScriptArchive.module("Model").parameter("weight", new long[] {2, 3, 2, 2}, W)
                .method("def forward(self, x: Tensor) -> " + returnType + ":\n  " + body.replace("\n", "\n  "))
                .write(f);
        return f;
    }

    static Config node(Path file) {
        return ConfigFactory.defaultReference().getConfig("fourm.labelers.torchscript")
                .withValue("file", ConfigValueFactory.fromAnyRef(file.toString()))
                .withValue("size", ConfigValueFactory.fromIterable(List.of(4, 4)));
    }

    static DenseMap label(Config node, Rgb8Image photo) {
        try (PseudoLabeler l = new TorchScriptProvider().open(node)) {
            assertThat(l.name()).isEqualTo("features:torchscript");
            assertThat(l.modalityKey()).isEqualTo("features");
            return (DenseMap) l.label(photo);
        }
    }

    @Test
    void theProviderIsDiscoveredAndHasDefaults() {
        assertThat(PseudoLabelerProvider.installed()).extracting(PseudoLabelerProvider::name)
                .contains("features:torchscript");
        Config ref = ConfigFactory.defaultReference().getConfig("fourm.labelers.torchscript");
        assertThat(ref.getIntList("size")).containsExactly(224, 224);
        assertThat(ref.getString("output-layout")).isEqualTo("NCHW");
    }

    @Test
    void labelsThroughAModuleWrittenInTheTest() {
        Rgb8Image photo = photo(4, 4, 1);
        float[] mean = {0.5f, 0.25f, 0f};
        float[] std = {0.5f, 0.25f, 2f};
        Config node = node(conv).withValue("mean", ConfigValueFactory.fromIterable(List.of(0.5, 0.25, 0)))
                .withValue("std", ConfigValueFactory.fromIterable(List.of(0.5, 0.25, 2)));
        DenseMap map = label(node, photo);
        assertThat(map.name()).isEqualTo("conv.pt:0");
        assertMap(map, expected(scaled(photo, mean, std), OIHW));
    }

    @Test
    void shrinksALargerPhotoByAveragingAndReadsTuplesAndNhwcOutputs() throws IOException {
        Rgb8Image photo = photo(8, 8, 2);
        float[] expected = expected(halvedMinus128(photo), OIHW);
        Config node = node(conv).withValue("range", ConfigValueFactory.fromAnyRef(255))
                .withValue("mean", ConfigValueFactory.fromIterable(List.of(128, 128, 128)));
        assertMap(label(node, photo), expected);

        Path nhwc = write("nhwc.pt", "y = " + CONV + "\nreturn (torch.flatten(y, 1), y.permute([0, 2, 3, 1]))",
                "Tuple[Tensor, Tensor]");
        Config tuple = node.withValue("file", ConfigValueFactory.fromAnyRef(nhwc.toString()))
                .withValue("output", ConfigValueFactory.fromAnyRef(1))
                .withValue("output-layout", ConfigValueFactory.fromAnyRef("nhwc"));
        DenseMap map = label(tuple, photo);
        assertThat(map.name()).isEqualTo("nhwc.pt:1");
        assertMap(map, expected);
        assertThatThrownBy(() -> label(tuple.withValue("output", ConfigValueFactory.fromAnyRef(2)), photo))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(nhwc.toString())
                .hasMessageContaining("returns 2 tensors ([1, 8], [1, 2, 2, 2])");
    }

    @Test
    void oneInstanceLabelsFromSeveralThreads() throws Exception {
        assertLabelsFromSeveralThreadsThenCloses(new TorchScriptProvider().open(node(conv)));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = tmp.resolve("no-such-model.pt");
        assertThatThrownBy(() -> label(node(missing), photo(4, 4, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new TorchScriptProvider().open(
                ConfigFactory.defaultReference().getConfig("fourm.labelers.torchscript")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("file");
    }

    @Test
    void aTruncatedArchiveIsNamedAndTheJvmCarriesOn() throws IOException {
        byte[] bytes = Files.readAllBytes(conv);
        Path truncated = tmp.resolve("truncated.pt");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> label(node(truncated), photo(4, 4, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(truncated.toString()).hasMessageContaining("could not load");
        Path text = tmp.resolve("text.pt");
        Files.writeString(text, "not a model");
        assertThatThrownBy(() -> label(node(text), photo(4, 4, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(text.toString());
        // libtorch's errors are exceptions: the same JVM still loads and runs a good module.
        assertThat(label(node(conv), photo(4, 4, 3)).height()).isEqualTo(2);
    }

    @Test
    void anOutputThatIsNotAMapIsRefused() throws IOException {
        Path flat = write("flat.pt", "return torch.flatten(" + CONV + ", 1)");
        assertThatThrownBy(() -> label(node(flat), photo(4, 4, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(flat.toString()).hasMessageContaining("4-D")
                .hasMessageContaining("[1, 8]");
    }

    @Test
    void anInputTheModelCannotTakeIsNamed() throws IOException {
        Path fixed = write("fixed.pt", "return torch.reshape(" + CONV + ", [1, 2, 2, 2])");
        assertThatThrownBy(() -> label(node(fixed).withValue("size", ConfigValueFactory.fromIterable(List.of(8, 8))),
                photo(4, 4, 0))).isInstanceOf(IllegalStateException.class).hasMessageContaining(fixed.toString())
                .hasMessageContaining("[1, 3, 8, 8]").hasMessageContaining("size");
    }

    @Test
    void unknownAndInvalidSettingsAreRefusedByName() {
        Config node = node(conv);
        assertThatThrownBy(() -> label(node.withValue("mena", ConfigValueFactory.fromAnyRef(1)), photo(4, 4, 0)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mena").hasMessageContaining("mean");
        assertThatThrownBy(() -> label(node.withValue("std", ConfigValueFactory.fromIterable(List.of(1, 0, 1))),
                photo(4, 4, 0))).isInstanceOf(ConfigException.class).hasMessageContaining("std");
        assertThatThrownBy(() -> label(node.withValue("output-layout", ConfigValueFactory.fromAnyRef("CHW")),
                photo(4, 4, 0))).isInstanceOf(ConfigException.class).hasMessageContaining("output-layout");
    }

    @Test
    void theWriterRefusesBadNamesAndShapes() {
        assertThatThrownBy(() -> TorchScriptArchive.module("my model")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TorchScriptArchive.module("M").parameter("w", new long[] {2, 2}, new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 4 values");
        assertThatThrownBy(() -> TorchScriptArchive.module("M").write(tmp.resolve("empty.pt")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("forward");
    }
}
