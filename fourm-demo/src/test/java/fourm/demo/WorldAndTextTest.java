package fourm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.api.Modality;
import fourm.modality.det.Detections;
import fourm.modality.text.TextTokenizer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's worlds, its settings, and its text tokenizer and sequence modalities. */
class WorldAndTextTest {
    static DemoSettings settings(String overrides) {
        Config root = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
        return DemoSettings.from(root);
    }

    @Test
    void theSplitsAreDifferentScenesAndDeterministic() {
        DemoSettings s = settings("fourm.demo { train-scenes = 12, heldout-scenes = 12, examples = 2 }");
        List<SceneData> train = World.scenes(s, World.Split.TRAIN, 12, DemoProgress.NONE);
        List<SceneData> heldout = World.scenes(s, World.Split.HELDOUT, 12, DemoProgress.NONE);
        Set<String> captions = new HashSet<>();
        train.forEach(x -> captions.add(x.caption()));
        assertThat(heldout).noneMatch(x -> captions.contains(x.caption()));
        List<SceneData> again = World.scenes(s, World.Split.TRAIN, 12, DemoProgress.NONE);
        for (int i = 0; i < train.size(); i++) {
            assertThat(again.get(i).rgb()).isEqualTo(train.get(i).rgb());
            assertThat(again.get(i).caption()).isEqualTo(train.get(i).caption());
        }
        assertThat(train.get(0).size()).isEqualTo(64);
    }

    @Test
    void everyCaptionOfTheWorldReadsAndCountsTheBoxedObjects() {
        DemoSettings s = settings("fourm.demo { train-scenes = 60 }");
        for (SceneData d : World.scenes(s, World.Split.TRAIN, 60, DemoProgress.NONE)) {
            CaptionFacts f = CaptionFacts.parse(d.caption()).orElseThrow(() -> new AssertionError(d.caption()));
            // every object the caption lists is visible and has a box
            assertThat(f.count()).as(d.caption()).isEqualTo(d.det().instances().size());
        }
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> settings("fourm.demo.patch-size = 7"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fourm.demo.patch-size");
        assertThatThrownBy(() -> settings("fourm.demo.examples = 500"))
                .hasMessageContaining("fourm.demo.examples");
        assertThatThrownBy(() -> settings("fourm.demo.weights = maybe"))
                .hasMessageContaining("fourm.demo.weights").hasMessageContaining("shipped or train");
        assertThatThrownBy(() -> settings("fourm.demo.tokenizer-steps = 5"))
                .hasMessageContaining("fourm.demo.tokenizer-steps").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> settings("fourm.demo.tokenizers.presets.sky = rgb"))
                .hasMessageContaining("fourm.demo.tokenizers.presets.sky");
        assertThatThrownBy(() -> settings("fourm.demo.world.heldout-seed = 1"))
                .hasMessageContaining("fourm.demo.world.heldout-seed");
        assertThatThrownBy(() -> settings("fourm.demo.model.num-heads = 5"))
                .hasMessageContaining("fourm.demo.model.num-heads");
        assertThatThrownBy(() -> settings("fourm.demo.model.mixture-weights = [1, 2, 2]"))
                .hasMessageContaining("fourm.demo.model.mixture-weights").hasMessageContaining("two");
        assertThatThrownBy(() -> settings("fourm.demo.model.mixture-weights = [0, 0]"))
                .hasMessageContaining("fourm.demo.model.mixture-weights");
    }

    @Test
    void theLearnedTextTokenizerRoundTripsCaptionsAndBoxes(@TempDir Path dir) throws Exception {
        DemoSettings s = settings("fourm.demo { train-scenes = 80 }");
        List<SceneData> scenes = World.scenes(s, World.Split.TRAIN, 80, DemoProgress.NONE);
        TextTokenizer t = DemoText.train(scenes, s.text(), dir.resolve("t.json"));
        assertThat(t.vocabSize()).isGreaterThan(4284).isLessThanOrEqualTo(s.text().vocabSize());
        Modality caption = DemoText.caption(s.root(), t, 256);
        Modality det = DemoText.det(s.root(), t, 256);
        assertThat(caption.spec().vocabSize()).hasValue(t.vocabSize());
        assertThat(det.spec().maxTokens()).isEqualTo(256);
        for (SceneData d : scenes.subList(0, 20)) {
            int[] ids = DemoText.captionTokenizer(caption).encode(d.caption());
            assertThat(java.util.Arrays.stream(ids).allMatch(i -> i > 0 && i < t.vocabSize())).isTrue();
            assertThat(DemoText.captionTokenizer(caption).decode(ids)).isEqualTo(d.caption());
            Detections back = DemoText.detTokenizer(det).decode(DemoText.detTokenizer(det).encode(d.det()));
            assertThat(back.instances()).hasSameSizeAs(d.det().instances());
            // the serialiser orders boxes by xmin^2 + ymin^2; coordinates come back on 1000 bins
            List<fourm.modality.det.Detection> sorted = new java.util.ArrayList<>(d.det().instances());
            sorted.sort(java.util.Comparator.comparingDouble(x -> x.box().xmin() * x.box().xmin()
                    + x.box().ymin() * x.box().ymin()));
            for (int i = 0; i < sorted.size(); i++) {
                assertThat(back.instances().get(i).className()).isEqualTo(sorted.get(i).className());
                assertThat(BoxMetric.iou(back.instances().get(i).box(), sorted.get(i).box())).isGreaterThan(0.95);
            }
            CaptionMetric m = new CaptionMetric();
            m.add(DemoText.captionTokenizer(caption).decode(ids), d.caption());
            assertThat(m.exactMatch()).isEqualTo(1.0);
        }
    }

    @Test
    void theTrivialPredictorIsLearnedFromTheTrainingWorld() {
        DemoSettings s = settings("fourm.demo { train-scenes = 40 }");
        List<SceneData> scenes = World.scenes(s, World.Split.TRAIN, 40, DemoProgress.NONE);
        TrivialPredictor p = TrivialPredictor.fit(scenes);
        int n = 64 * 64;
        // the bottom row is ground in (nearly) every scene, and nearer than the top row
        assertThat(p.semseg()[n - 1]).isEqualTo(fourm.synth.Classes.GROUND);
        assertThat(p.semseg()[n - 64]).isEqualTo(fourm.synth.Classes.GROUND);
        assertThat(p.depth()[n - 1]).isLessThan(p.depth()[0]);
        assertThat(p.boxes().instances()).isNotEmpty().allMatch(d -> !d.className().equals("sky"));
        assertThat(CaptionFacts.parse(p.caption())).isPresent();
    }
}
