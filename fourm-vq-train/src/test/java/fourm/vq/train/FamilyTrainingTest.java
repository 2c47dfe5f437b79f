package fourm.vq.train;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.vq.LossKind;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import fourm.vq.testing.TestScenes;
import fourm.vq.testing.TinyConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each image-like family trains on CPU in a short run (32 x 32 test scenes, 4 x 4 tokens, 120 steps of 8 images; the
 * global embedding 200 steps of 16) and
 * reconstructs its held-out images better than a trivial baseline that ignores the input:
 *
 * <ul>
 *   <li>rgb, depth, normal, edge, feature map: MSE (model space) below 0.8 x the variance of the data, i.e. below
 *       80% of the error of predicting each channel's mean;</li>
 *   <li>semseg: pixel accuracy above the majority label's;</li>
 *   <li>global embedding: mean cosine similarity above that of the mean embedding.</li>
 * </ul>
 */
class FamilyTrainingTest {
    static final int STEPS = 120;
    static final VqTrainSettings.Optimizer OPT = new VqTrainSettings.Optimizer(3e-3, 1e-4, 5, 0.9, 0.95, 1e-8, 0.0,
            1.0);

    static VqTrainSettings.Data data(VqTrainSettings.Teacher teacher) {
        return new VqTrainSettings.Data(Path.of("."), "x", teacher, 8, 32, 7, 32, 0, 0, 0.8, true);
    }

    static Map<String, Double> train(VqConfig c, List<Raster> values, VqTrainSettings.Teacher teacher) {
        return train(c, values, teacher, STEPS, 8);
    }

    static Map<String, Double> train(VqConfig c, List<Raster> values, VqTrainSettings.Teacher teacher, int steps,
                                     int batch) {
        TrainingData d = TrainingData.of(c, data(teacher), values.subList(0, 32), values.subList(32, 48));
        try (VqModel model = VqModel.create(c, 5); VqTrainer t = new VqTrainer(model, OPT, steps, 1.0, 0.25)) {
            for (int s = 0; s < steps; s++) {
                VqTrainer.StepResult r = t.step(d, batch, 1, s);
                assertThat(r.loss()).as("loss of step %d", s).isFinite();
            }
            return t.evaluate(d, 16);
        }
    }

    static Map<String, Double> train(VqConfig c, Function<TestScenes.Scene, Raster> pick) {
        return train(c, TestScenes.make(48, 32, 11).stream().map(pick).toList(), VqTrainSettings.Teacher.NONE);
    }

    static void beatsVariance(Map<String, Double> m) {
        assertThat(m.get("mse")).as("reconstruction MSE vs variance in %s", m).isLessThan(0.8 * m.get("baseline_mse"));
        assertThat(m.get("codebook_usage")).isGreaterThan(0);
    }

    @Test
    void rgbBeatsTheMeanImage() {
        Map<String, Double> m = train(TinyConfigs.rgb(), TestScenes.Scene::rgb);
        beatsVariance(m);
        assertThat(m.get("psnr")).isGreaterThan(m.get("baseline_psnr"));
    }

    @Test
    void depthBeatsTheMeanDepth() {
        Map<String, Double> m = train(TinyConfigs.vit("depth", 32, 1, 8, ""), TestScenes.Scene::depth);
        beatsVariance(m);
        assertThat(m.get("l1")).isLessThan(m.get("baseline_l1"));
    }

    @Test
    void normalsBeatTheMeanNormal() {
        Map<String, Double> m = train(TinyConfigs.vit("normal", 32, 3, 8, ""), TestScenes.Scene::normal);
        beatsVariance(m);
        assertThat(m.get("mean_angular_error")).isLessThan(m.get("baseline_mean_angular_error"));
    }

    @Test
    void edgesBeatTheMeanEdgeMap() {
        Map<String, Double> m = train(TinyConfigs.vit("edge", 32, 1, 8, ""), TestScenes.Scene::edge);
        beatsVariance(m);
    }

    @Test
    void semsegBeatsTheMajorityClass() {
        Map<String, Double> m = train(TinyConfigs.semseg(), TestScenes.Scene::semseg);
        assertThat(m.get("pixel_accuracy")).as("pixel accuracy in %s", m)
                .isGreaterThan(m.get("baseline_pixel_accuracy"));
        assertThat(m.get("miou")).isGreaterThan(0);
    }

    @Test
    void binaryMasksBeatTheMajorityValue() {
        // the SAM-instance architecture shrunk: out_conv head, no post-MLP, the reference's binary cross-entropy
        VqConfig c = TinyConfigs.vit("binary-mask", 32, 1, 8, "post-mlp = false, out-conv = true");
        assertThat(c.loss()).isEqualTo(LossKind.BINARY_CROSS_ENTROPY);
        List<Raster> masks = TestScenes.make(48, 32, 11).stream().map(sc -> {
            float[] ids = sc.semseg().data();
            float[] m = new float[ids.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = ids[i] == 0 ? 0f : 1f;
            }
            return new Raster(1, sc.semseg().height(), sc.semseg().width(), m);
        }).toList();
        Map<String, Double> m = train(c, masks, VqTrainSettings.Teacher.NONE);
        assertThat(m.get("pixel_accuracy")).as("pixel accuracy in %s", m)
                .isGreaterThan(m.get("baseline_pixel_accuracy"));
        assertThat(m.get("mask_iou")).as("mask IoU in %s", m).isGreaterThan(m.get("baseline_mask_iou"));
    }

    @Test
    void featureMapBeatsTheMeanFeature() {
        VqConfig c = VqConfig.fromConfig("clip", com.typesafe.config.ConfigFactory.parseString(
                "family = feature-map, image-size = 4, channels = 16, patch-size = 1, "
                        + "encoder { type = vit, dim = 32, depth = 1, heads = 2 }, "
                        + "decoder { type = vit, dim = 32, depth = 1, heads = 2 }, "
                        + "quantizer { type = lucid, codebook-size = 32, latent-dim = 8 }"));
        List<Raster> rgb = TestScenes.make(48, 32, 11).stream().map(TestScenes.Scene::rgb).toList();
        Map<String, Double> m = train(c, rgb, VqTrainSettings.Teacher.SYNTHETIC);
        beatsVariance(m);
        assertThat(m.get("cosine_similarity")).isGreaterThan(m.get("baseline_cosine_similarity"));
    }

    @Test
    void globalEmbeddingBeatsTheMeanEmbedding() {
        List<Raster> rgb = TestScenes.make(48, 32, 11).stream().map(TestScenes.Scene::rgb).toList();
        Map<String, Double> m = train(TinyConfigs.global(32), rgb, VqTrainSettings.Teacher.SYNTHETIC, 200, 16);
        assertThat(m.get("cosine_similarity")).as("cosine in %s", m)
                .isGreaterThan(m.get("baseline_cosine_similarity"));
    }
}
