package fourm.torchscript;

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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes small TorchScript modules in the test with {@link TorchScriptArchive} - a 2x2 convolution of stride 2 with
 * known weights, then relu - loads them through {@code features:torchscript} (libtorch via DJL) and compares the labels
 * with the same arithmetic done by hand.
 */
class TorchScriptLabelerTest {
    /** W[co][ci][kh][kw] (PyTorch's OIHW filter layout); mixed signs so relu both passes and clips. */
    static final float[] W = {
        0.5f, -1f, 0.25f, 0.5f, -0.75f, 1f, 1f, 0.25f, -0.5f, -0.5f, 0.125f, 0.75f,
        -0.25f, 1f, 0.5f, -1f, 1f, 0.25f, 0.75f, -0.5f, -1f, 0.5f, 0.25f, -0.25f};
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

    static Rgb8Image photo(int w, int h, int seed) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) ((i * 37 + seed * 11 + (i * i) % 7) % 256);
        }
        return new Rgb8Image(w, h, rgb);
    }

    /** The model's arithmetic by hand over x[y][x][c] (already scaled); the result row-major, channels last. */
    static float[] expected(float[][][] x) {
        float[] out = new float[2 * 2 * 2];
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                for (int co = 0; co < 2; co++) {
                    double sum = 0;
                    for (int ci = 0; ci < 3; ci++) {
                        for (int kh = 0; kh < 2; kh++) {
                            for (int kw = 0; kw < 2; kw++) {
                                sum += x[2 * oy + kh][2 * ox + kw][ci] * W[((co * 3 + ci) * 2 + kh) * 2 + kw];
                            }
                        }
                    }
                    out[(oy * 2 + ox) * 2 + co] = (float) Math.max(0, sum);
                }
            }
        }
        return out;
    }

    static void assertMap(DenseMap map, float[] expected) {
        assertThat(new int[] {map.height(), map.width(), map.channels()}).containsExactly(2, 2, 2);
        float[] v = map.values();
        for (int i = 0; i < v.length; i++) {
            // 1e-5, relative above 1 (float32 sums of values in the hundreds).
            assertThat(v[i]).as("value %d of %s", i, Arrays.toString(v)).isCloseTo(expected[i],
                    within(1e-5f * Math.max(1, Math.abs(expected[i]))));
        }
        long positive = 0;
        for (float e : expected) {
            positive += e > 0 ? 1 : 0;
        }
        assertThat(positive).as("relu both passes and clips values").isBetween(1L, (long) expected.length - 1);
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
        assertThat(map.name()).isEqualTo("conv.pt:0");
        assertMap(map, expected(x));
    }

    @Test
    void shrinksALargerPhotoByAveragingAndReadsTuplesAndNhwcOutputs() throws IOException {
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
        ExecutorService pool = Executors.newFixedThreadPool(4);
        PseudoLabeler l = new TorchScriptProvider().open(node(conv));
        try {
            List<Future<DenseMap>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int seed = i % 4;
                results.add(pool.submit(() -> (DenseMap) l.label(photo(4, 4, seed))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(results.get(i % 4).get());
            }
            assertThat(results.get(0).get()).isNotEqualTo(results.get(1).get());
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
