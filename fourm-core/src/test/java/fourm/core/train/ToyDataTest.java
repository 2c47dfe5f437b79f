package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.Modality;
import fourm.core.data.DataConfig;
import fourm.core.data.OnBadSample;
import fourm.core.data.Sample;
import fourm.core.data.ShardedDatasetReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyDataTest {
    @TempDir
    Path dir;

    @Test
    void relationsHoldAndSamplesAreDeterministic() {
        Set<String> scenes = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            ToyData.Example e = ToyData.example(5, i);
            assertThat(ToyData.example(5, i).rgb()).containsExactly(e.rgb());
            assertThat(e.rgb()).hasSize(196);
            Set<Integer> colours = new HashSet<>();
            for (int p = 0; p < 196; p++) {
                assertThat(e.depth()[p]).isEqualTo(ToyData.depthOf(e.rgb()[p]));
                assertThat(e.rgb()[p]).isBetween(0, ToyData.RGB_VOCAB - 1);
                colours.add(e.rgb()[p]);
            }
            assertThat(colours).hasSize(4);
            // the caption names the four corner colours, then the split row and column
            int[] c = e.caption();
            assertThat(c[0] - 210).isEqualTo(e.rgb()[0]);
            assertThat(c[1] - 210).isEqualTo(e.rgb()[13]);
            assertThat(c[2] - 210).isEqualTo(e.rgb()[13 * 14]);
            assertThat(c[3] - 210).isEqualTo(e.rgb()[195]);
            int row = c[4] - 280;
            int col = c[5] - 280;
            assertThat(e.rgb()[(row - 1) * 14 + col - 1]).isEqualTo(e.rgb()[0]);
            assertThat(e.rgb()[row * 14 + col]).isEqualTo(e.rgb()[195]);
            for (int id : c) {
                assertThat(id).isBetween(210, ToyData.CAPTION_VOCAB - 1);
            }
            scenes.add(java.util.Arrays.toString(e.caption()));
        }
        assertThat(scenes).hasSize(ToyData.SCENES);
        assertThat(ToyData.example(6, 0).caption()).isNotEqualTo(ToyData.example(5, 0).caption());
    }

    @Test
    void writtenDatasetReadsBackThroughTheReader() throws IOException {
        Path root = dir.resolve("toy");
        assertThat(ToyData.exists(root)).isFalse();
        ToyData.write(root, 10, 3, 4);
        assertThat(ToyData.exists(root)).isTrue();
        Map<String, Modality> mods = TrainerTest.modalities();
        Map<String, fourm.api.ModalitySpec> specs = new LinkedHashMap<>();
        mods.forEach((k, m) -> specs.put(k, m.spec()));
        int n = 0;
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, specs,
                new DataConfig(OnBadSample.FAIL, 0, 4, 4, 0))) {
            while (r.hasNext()) {
                Sample s = r.next();
                int index = Integer.parseInt(s.key().substring("toy-".length()));
                ToyData.Example e = ToyData.example(3, index);
                assertThat(((Sample.Tokens) s.get(ToyData.RGB)).array().row(0)).containsExactly(e.rgb());
                assertThat(((Sample.Tokens) s.get(ToyData.CAPTION)).array().data()).containsExactly(e.caption());
                n++;
            }
        }
        assertThat(n).isEqualTo(10);
        assertThatThrownBy(() -> ToyData.write(root, 10, 3, 4)).hasMessageContaining("already exists");
    }
}
