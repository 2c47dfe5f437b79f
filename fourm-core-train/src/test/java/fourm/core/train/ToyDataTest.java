package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.MaskingPolicy;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.core.data.DataConfig;
import fourm.core.data.OnBadSample;
import fourm.core.data.Sample;
import fourm.core.data.ShardedDatasetReader;
import fourm.testing.ToyModalities;
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
            assertThat(ToyData.example(5, i).scene()).containsExactly(e.scene());
            assertThat(e.scene()).hasSize(196);
            Set<Integer> colours = new HashSet<>();
            for (int p = 0; p < 196; p++) {
                assertThat(e.derived()[p]).isEqualTo(ToyData.derivedOf(e.scene()[p]));
                assertThat(e.scene()[p]).isBetween(0, ToyData.SCENE_VOCAB - 1);
                colours.add(e.scene()[p]);
            }
            assertThat(colours).hasSize(4);
            // the caption names the four corner colours, then the split row and column
            int[] c = e.caption();
            assertThat(c[0] - 210).isEqualTo(e.scene()[0]);
            assertThat(c[1] - 210).isEqualTo(e.scene()[13]);
            assertThat(c[2] - 210).isEqualTo(e.scene()[13 * 14]);
            assertThat(c[3] - 210).isEqualTo(e.scene()[195]);
            int row = c[4] - 280;
            int col = c[5] - 280;
            assertThat(e.scene()[(row - 1) * 14 + col - 1]).isEqualTo(e.scene()[0]);
            assertThat(e.scene()[row * 14 + col]).isEqualTo(e.scene()[195]);
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
        assertThat(ToyData.exists(root, ToyModalities.specs().keySet())).isFalse();
        ToyData.write(root, ToyModalities.specs(), 10, 3, 4);
        assertThat(ToyData.exists(root, ToyModalities.specs().keySet())).isTrue();
        Map<String, Modality> mods = TrainerTest.modalities();
        Map<String, ModalitySpec> specs = new LinkedHashMap<>();
        mods.forEach((k, m) -> specs.put(k, m.spec()));
        int n = 0;
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, specs,
                new DataConfig(OnBadSample.FAIL, 0, 4, 4, 0))) {
            while (r.hasNext()) {
                Sample s = r.next();
                int index = Integer.parseInt(s.key().substring("toy-".length()));
                ToyData.Example e = ToyData.example(3, index);
                assertThat(((Sample.Tokens) s.get(ToyModalities.RGB)).array().row(0)).containsExactly(e.scene());
                assertThat(((Sample.Tokens) s.get(ToyModalities.CAPTION)).array().data()).containsExactly(e.caption());
                n++;
            }
        }
        assertThat(n).isEqualTo(10);
        assertThatThrownBy(() -> ToyData.write(root, ToyModalities.specs(), 10, 3, 4))
                .hasMessageContaining("already exists");
    }

    @Test
    void rolesComeFromTheLayoutsInOrder() {
        Map<String, ModalitySpec> specs = ToyModalities.specs();
        ToyData.Roles roles = ToyData.roles(specs);
        assertThat(roles.scene()).isEqualTo(ToyModalities.RGB);
        assertThat(roles.derived()).containsExactly(ToyModalities.DEPTH);
        assertThat(roles.caption()).containsExactly(ToyModalities.CAPTION);
        Map<String, ModalitySpec> swapped = new LinkedHashMap<>();
        swapped.put(ToyModalities.CAPTION, specs.get(ToyModalities.CAPTION));
        swapped.put(ToyModalities.DEPTH, specs.get(ToyModalities.DEPTH).withVocabSize(ToyData.SCENE_VOCAB));
        swapped.put(ToyModalities.RGB, specs.get(ToyModalities.RGB));
        assertThat(ToyData.roles(swapped).scene()).isEqualTo(ToyModalities.DEPTH);
        assertThat(ToyData.roles(swapped).keys()).containsExactly(ToyModalities.DEPTH, ToyModalities.RGB,
                ToyModalities.CAPTION);
    }

    @Test
    void modalitiesThatFitNoRoleAreRefusedByName() {
        Map<String, ModalitySpec> specs = ToyModalities.specs();
        assertThatThrownBy(() -> ToyData.roles(Map.of(ToyModalities.DEPTH, specs.get(ToyModalities.DEPTH))))
                .hasMessageContaining(ToyModalities.DEPTH).hasMessageContaining("at least " + ToyData.SCENE_VOCAB);
        assertThatThrownBy(() -> ToyData.roles(Map.of(ToyModalities.CAPTION, specs.get(ToyModalities.CAPTION))))
                .hasMessageContaining("14x14 grid");
        ModalitySpec small = ModalitySpec.builder("tok_small", ModalityKind.IMAGE_TOKENS).optVocabSize(64)
                .optImageSize(64, 128).optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true)
                .setDecoder(false).setMasking(MaskingPolicy.RANDOM_TOKENS).build();
        assertThatThrownBy(() -> ToyData.roles(Map.of("tok_small", small))).hasMessageContaining("tok_small")
                .hasMessageContaining("[4, 8]");
        ModalitySpec pixels = ModalitySpec.builder("rgb", ModalityKind.PIXEL_PATCHES).optValueDim(3)
                .optImageSize(224).optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true)
                .setDecoder(false).setMasking(MaskingPolicy.RANDOM_TOKENS).build();
        assertThatThrownBy(() -> ToyData.roles(Map.of("rgb", pixels))).hasMessageContaining("rgb")
                .hasMessageContaining("takes values");
    }
}
