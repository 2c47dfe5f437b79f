package fourm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import fourm.modality.det.BoundingBox;
import fourm.modality.det.Detection;
import fourm.modality.det.Detections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluation metrics on cases small enough to work out by hand. */
class MetricsTest {

    @Test
    void depthOfAnAffinePredictionIsExactAfterAlignment() {
        float[] truth = {1, 2, 3, 4, 8};
        float[] predicted = new float[truth.length];
        for (int i = 0; i < truth.length; i++) {
            predicted[i] = -0.5f * truth[i] + 7; // any scale (even negative) and shift
        }
        DepthMetric m = new DepthMetric();
        m.add(predicted, truth, null);
        assertThat(m.l1()).isCloseTo(0, within(1e-5));
        assertThat(m.delta1()).isEqualTo(1.0);
        assertThat(m.pixels()).isEqualTo(5);
    }

    @Test
    void depthOfAConstantPredictionIsTheMeanOfTheTruth() {
        // Aligned to 2.5 everywhere: |errors| 1.5, 0.5, 0.5, 1.5; ratios 2.5, 1.25 (not < 1.25), 1.2, 1.6.
        DepthMetric m = new DepthMetric();
        m.add(new float[] {3, 3, 3, 3, 99}, new float[] {1, 2, 3, 4, 60}, new boolean[] {true, true, true, true,
            false});
        assertThat(m.l1()).isCloseTo(1.0, within(1e-9));
        assertThat(m.delta1()).isEqualTo(0.25);
        assertThat(m.pixels()).isEqualTo(4);
    }

    @Test
    void depthPoolsPixelsOverImagesAndChecksItsInput() {
        DepthMetric m = new DepthMetric();
        m.add(new float[] {1, 2}, new float[] {1, 2}, null);
        m.add(new float[] {3, 3, 3, 3}, new float[] {1, 2, 3, 4}, null);
        assertThat(m.l1()).isCloseTo(4.0 / 6, within(1e-9));
        assertThat(m.images()).isEqualTo(2);
        assertThat(new DepthMetric().l1()).isNaN();
        assertThatIllegalArgumentException().isThrownBy(() -> m.add(new float[] {1}, new float[] {1, 2}, null))
                .withMessageContaining("equal sizes");
        assertThatIllegalArgumentException().isThrownBy(() -> m.add(new float[] {1, Float.NaN}, new float[] {1, 2},
                null)).withMessageContaining("pixel 1");
        assertThatIllegalArgumentException().isThrownBy(() -> m.add(new float[] {1, 1}, new float[] {1, 0}, null))
                .withMessageContaining("positive true depth");
    }

    @Test
    void angularErrorOfNormals() {
        float[] truth = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};
        // same direction (longer), orthogonal, opposite, zero length
        float[] predicted = {0, 0, 5, 1, 0, 0, 0, 0, -1, 0, 0, 0};
        NormalMetric m = new NormalMetric();
        m.add(predicted, truth, null);
        assertThat(m.meanAngleDegrees()).isCloseTo((0 + 90 + 180 + 90) / 4.0, within(1e-6));
        NormalMetric masked = new NormalMetric();
        masked.add(predicted, truth, new boolean[] {true, false, false, false});
        assertThat(masked.meanAngleDegrees()).isCloseTo(0, within(1e-6));
        assertThat(masked.pixels()).isEqualTo(1);
        float[] diagonal = {0, 1, 1};
        NormalMetric d = new NormalMetric();
        d.add(diagonal, new float[] {0, 0, 1}, null);
        assertThat(d.meanAngleDegrees()).isCloseTo(45, within(1e-6));
        assertThatIllegalArgumentException().isThrownBy(() -> d.add(new float[] {0, 0, 1}, new float[] {0, 0, 0},
                null)).withMessageContaining("non-zero");
    }

    @Test
    void meanIouFromTheConfusionMatrix() {
        SemsegMetric m = new SemsegMetric(3);
        m.add(new int[] {0, 1, 1, 1}, new int[] {0, 0, 1, 1});
        // class 0: TP 1, FN 1 -> 1/2; class 1: TP 2, FP 1 -> 2/3; class 2 absent from both: no IoU
        assertThat(m.iou(0)).isEqualTo(0.5);
        assertThat(m.iou(1)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.iou(2)).isNaN();
        assertThat(m.meanIou()).isCloseTo((0.5 + 2.0 / 3) / 2, within(1e-12));
        assertThat(m.pixelAccuracy()).isEqualTo(0.75);
    }

    @Test
    void aPredictedNoClassIsAMissAndNotAFalsePositive() {
        SemsegMetric m = new SemsegMetric(2);
        m.add(new int[] {255, 1}, new int[] {0, 1});
        assertThat(m.iou(0)).isEqualTo(0.0);
        assertThat(m.iou(1)).isEqualTo(1.0);
        assertThat(m.meanIou()).isEqualTo(0.5);
        assertThatIllegalArgumentException().isThrownBy(() -> m.add(new int[] {0}, new int[] {2}))
                .withMessageContaining("true class 2");
    }

    private static Detection box(String name, double x0, double y0, double x1, double y1) {
        return Detection.unscored(new BoundingBox(x0, y0, x1, y1), name);
    }

    private static Detection scored(String name, double score, double x0, double y0, double x1, double y1) {
        return Detection.scored(new BoundingBox(x0, y0, x1, y1), name, score);
    }

    @Test
    void iouOfBoxes() {
        BoundingBox a = new BoundingBox(0, 0, 0.5, 0.5);
        assertThat(BoxMetric.iou(a, a)).isEqualTo(1.0);
        assertThat(BoxMetric.iou(a, new BoundingBox(0.25, 0, 0.75, 0.5))).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(BoxMetric.iou(a, new BoundingBox(0.5, 0.5, 1, 1))).isEqualTo(0.0);
    }

    @Test
    void perfectDetectionsHaveApOne() {
        BoxMetric m = new BoxMetric(List.of("cube", "cone"));
        Detections truth = new Detections(List.of(box("cube", 0, 0, 0.3, 0.3), box("cone", 0.5, 0.5, 0.9, 0.9)));
        m.add(truth, truth);
        assertThat(m.meanAveragePrecision()).isEqualTo(1.0);
    }

    @Test
    void equalScoresMakeOneThresholdApIsPrecisionTimesRecall() {
        BoxMetric m = new BoxMetric(List.of("cube"));
        // image 0: one true cube found plus a false positive far away; image 1: a true cube missed
        m.add(new Detections(List.of(box("cube", 0, 0, 0.3, 0.3), box("cube", 0.6, 0.6, 0.9, 0.9))),
                new Detections(List.of(box("cube", 0.01, 0, 0.3, 0.3))));
        m.add(Detections.none(), new Detections(List.of(box("cube", 0.2, 0.2, 0.4, 0.4))));
        // precision 1/2, recall 1/2
        assertThat(m.averagePrecision("cube")).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void rankingByScoreAndDuplicates() {
        BoxMetric m = new BoxMetric(List.of("sphere"));
        Detections truth = new Detections(List.of(box("sphere", 0, 0, 0.2, 0.2), box("sphere", 0.5, 0.5, 0.7, 0.7)));
        // 0.9: hit; 0.8: duplicate of the same sphere (false positive); 0.7: the second sphere; 0.6: IoU < 0.5
        m.add(new Detections(List.of(scored("sphere", 0.8, 0, 0, 0.2, 0.2), scored("sphere", 0.9, 0, 0, 0.2, 0.2),
                scored("sphere", 0.7, 0.5, 0.5, 0.7, 0.7), scored("sphere", 0.6, 0.5, 0.5, 0.9, 0.9))), truth);
        // points (R, P): (1/2, 1), (1/2, 1/2), (1, 2/3), (1, 1/2); interpolated: 1/2 * 1 + 1/2 * 2/3
        assertThat(m.averagePrecision("sphere")).isCloseTo(0.5 + 1.0 / 3, within(1e-12));
    }

    @Test
    void classesWithoutTruthAreLeftOutAndWrongClassesDoNotMatch() {
        BoxMetric m = new BoxMetric(List.of("cube", "cone", "person"));
        m.add(new Detections(List.of(box("cone", 0, 0, 0.5, 0.5), box("dragon", 0, 0, 0.5, 0.5))),
                new Detections(List.of(box("cube", 0, 0, 0.5, 0.5))));
        assertThat(m.averagePrecision("cube")).isEqualTo(0.0);
        assertThat(m.averagePrecision("cone")).isNaN();
        assertThat(m.averagePrecision("person")).isNaN();
        assertThat(m.meanAveragePrecision()).isEqualTo(0.0);
        assertThatIllegalArgumentException().isThrownBy(() -> m.averagePrecision("dragon"))
                .withMessageContaining("not an evaluated class");
    }

    @Test
    void captionFactsFromTheTemplate() {
        CaptionFacts f = CaptionFacts.parse("a photo of two red cubes, a blue sphere and a person in a green shirt on"
                + " the ground. the blue sphere is left of the person in the green shirt.").orElseThrow();
        assertThat(f.count()).isEqualTo(4);
        assertThat(f.colors()).containsExactly(java.util.Map.entry("blue", 1), java.util.Map.entry("green", 1),
                java.util.Map.entry("red", 2));
        assertThat(CaptionFacts.parse("an image of three people in orange shirts and an orange cone on the ground .")
                .orElseThrow()).isEqualTo(new CaptionFacts(4, new java.util.TreeMap<>(java.util.Map.of("orange", 4))));
        assertThat(CaptionFacts.parse("a rendering of an empty ground plane under the sky.").orElseThrow().count())
                .isZero();
        // the text tokenizer's normal form: spaces before commas and the full stop
        assertThat(CaptionFacts.parse("a picture of a white capsule , a gray cone and a pink cylinder on the ground ."))
                .contains(CaptionFacts.parse("a picture of a white capsule, a gray cone and a pink cylinder on the"
                        + " ground.").orElseThrow());
    }

    @Test
    void captionsOffTheTemplateAreNotRead() {
        assertThat(CaptionFacts.parse("a photo of a red cube")).isEmpty();
        assertThat(CaptionFacts.parse("a photo of a red dragon on the ground.")).isEmpty();
        assertThat(CaptionFacts.parse("a photo of one red cubes on the ground.")).isEmpty();
        assertThat(CaptionFacts.parse("a photo of a red cube, on the ground.")).isEmpty();
        assertThat(CaptionFacts.parse("")).isEmpty();
    }

    @Test
    void captionMetricCountsExactMatches() {
        String truth = "a photo of two red cubes and a blue sphere on the ground.";
        CaptionMetric m = new CaptionMetric();
        m.add("an image of a red cube, a blue cone and a red sphere on the ground.", truth); // same count and colours
        m.add("a photo of a red cube and a blue sphere on the ground.", truth); // count wrong, colours wrong
        m.add("a photo of two red cubes and a green sphere on the ground.", truth); // colours wrong
        m.add("nonsense", truth);
        assertThat(m.exactMatch()).isEqualTo(0.25);
        assertThat(m.countMatch()).isEqualTo(0.5);
        assertThat(m.colorsMatch()).isEqualTo(0.25);
        assertThat(m.unparsed()).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(() -> m.add("a", "not a caption"))
                .withMessageContaining("template");
    }

    @Test
    void theReportComparesInTheRightDirection() {
        EvalReport r = new EvalReport(3, List.of(
                new EvalReport.Row("depth", "L1 (m)", "depth_l1", false, 0.5, 0.1, 0.9),
                new EvalReport.Row("semseg", "mIoU", "semseg_miou", true, 0.2, 0.9, 0.3)),
                new com.google.gson.JsonObject());
        assertThat(r.rows().get(0).beatsTrivial()).isTrue();
        assertThat(r.rows().get(1).beatsTrivial()).isFalse();
        assertThat(r.beatsTrivialEverywhere()).isFalse();
        assertThat(r.table()).contains("depth", "0.500", "NO");
        assertThat(r.toJson().getAsJsonArray("rows").get(1).getAsJsonObject().get("model_beats_trivial")
                .getAsBoolean()).isFalse();
    }
}
