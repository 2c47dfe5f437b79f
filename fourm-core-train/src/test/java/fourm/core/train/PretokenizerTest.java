package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.ModalitySpec;
import fourm.core.data.DataConfig;
import fourm.core.io.Npy;
import fourm.core.data.OnBadSample;
import fourm.core.data.Sample;
import fourm.core.data.ShardedDatasetReader;
import fourm.testing.ToyModalities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretokenizerTest {
    @TempDir
    Path dir;

    private void npy(String modality, String key, int[] shape, int[] data) throws IOException {
        Path f = dir.resolve("in").resolve(modality).resolve(key + ".npy");
        Files.createDirectories(f.getParent());
        Files.write(f, Npy.writeInt16(shape, data));
    }

    private void example(String key, int index) throws IOException {
        ToyData.Example e = ToyData.example(1, index);
        npy(ToyModalities.RGB, key, new int[] {196}, e.scene());
        npy(ToyModalities.DEPTH, key, new int[] {1, 196}, e.derived());
        npy(ToyModalities.CAPTION, key, new int[] {e.caption().length}, e.caption());
    }

    @Test
    void packsEveryKeyInOrderAndTheReaderReadsItBack() throws IOException {
        for (int i = 0; i < 5; i++) {
            example("s" + i, i);
        }
        Map<String, ModalitySpec> specs = ToyModalities.specs();
        Pretokenizer.Result r = Pretokenizer.run(dir.resolve("in"), dir.resolve("out"), specs, 2);
        assertThat(r.samples()).isEqualTo(5);
        assertThat(r.shards()).isEqualTo(9);
        assertThat(dir.resolve("out").resolve(ToyModalities.RGB).resolve("shard-00002.tar")).isRegularFile();
        int n = 0;
        try (ShardedDatasetReader reader = ShardedDatasetReader.open(dir.resolve("out"), specs,
                new DataConfig(OnBadSample.FAIL, 0, 4, 2, 0))) {
            while (reader.hasNext()) {
                Sample s = reader.next();
                assertThat(s.key()).isEqualTo("s" + n);
                ToyData.Example e = ToyData.example(1, n);
                assertThat(((Sample.Tokens) s.get(ToyModalities.RGB)).array().shape()).containsExactly(1, 196);
                assertThat(((Sample.Tokens) s.get(ToyModalities.RGB)).array().row(0)).containsExactly(e.scene());
                assertThat(((Sample.Tokens) s.get(ToyModalities.CAPTION)).array().data()).containsExactly(e.caption());
                n++;
            }
        }
        assertThat(n).isEqualTo(5);
    }

    @Test
    void badInputIsNamedAndNothingIsWritten() throws IOException {
        example("a", 0);
        example("b", 1);
        Files.delete(dir.resolve("in").resolve(ToyModalities.DEPTH).resolve("b.npy"));
        Map<String, ModalitySpec> specs = ToyModalities.specs();
        assertThatThrownBy(() -> Pretokenizer.run(dir.resolve("in"), dir.resolve("out"), specs, 2))
                .hasMessageContaining(ToyModalities.DEPTH).hasMessageContaining("b.npy").hasMessageContaining("missing");
        example("b", 1);
        npy(ToyModalities.RGB, "b", new int[] {196}, new int[196]);
        int[] bad = ToyData.example(1, 1).scene().clone();
        bad[17] = ToyData.SCENE_VOCAB;
        npy(ToyModalities.RGB, "b", new int[] {196}, bad);
        assertThatThrownBy(() -> Pretokenizer.run(dir.resolve("in"), dir.resolve("out"), specs, 2))
                .hasMessageContaining("b.npy").hasMessageContaining("position 17")
                .hasMessageContaining("vocabulary [0, " + ToyData.SCENE_VOCAB + ")");
        npy(ToyModalities.RGB, "b", new int[] {14, 14}, ToyData.example(1, 1).scene());
        assertThatThrownBy(() -> Pretokenizer.run(dir.resolve("in"), dir.resolve("out"), specs, 2))
                .hasMessageContaining("b.npy").hasMessageContaining("(n_crops, 196)");
        npy(ToyModalities.RGB, "b", new int[] {196}, ToyData.example(1, 1).scene());
        npy(ToyModalities.CAPTION, "b", new int[] {40}, new int[40]);
        assertThatThrownBy(() -> Pretokenizer.run(dir.resolve("in"), dir.resolve("out"), specs, 2))
                .hasMessageContaining("caption").hasMessageContaining("n <= 16");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThatThrownBy(() -> Pretokenizer.run(dir.resolve("nowhere"), dir.resolve("out"), specs, 2))
                .hasMessageContaining("nowhere");
    }
}
