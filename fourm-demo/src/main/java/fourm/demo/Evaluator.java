package fourm.demo;

import com.google.gson.JsonObject;
import fourm.modality.det.Detections;
import fourm.modality.text.SequenceTokenizer;
import fourm.synth.Classes;
import fourm.vq.Raster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The zero-shot evaluation on held-out scenes ({@code fourm eval}): the model predicts depth, normals, semseg, caption
 * and boxes from each scene's RGB tokens ({@link DemoModel#fromRgb}), and each prediction is scored beside two
 * baselines measured in the same run on the same scenes:
 *
 * <ul>
 *   <li><b>tokenizer bound</b>: the ground truth encoded by its tokenizer and decoded again (the VQ tokenizers for the
 *       maps; the box serialiser and text tokenizer for boxes and captions, sequences cut at their token budget as
 *       the model's are). A model that predicts every token right scores this.</li>
 *   <li><b>trivial predictor</b> ({@link TrivialPredictor}): the same prediction for every scene, learned from the
 *       training world.</li>
 * </ul>
 *
 * <p>Metrics: depth L1 (metres) and δ1 after per-image scale-and-shift alignment ({@link DepthMetric}), normals mean
 * angular error in degrees ({@link NormalMetric}), both on non-sky pixels; semseg mIoU over the world's 8 classes
 * ({@link SemsegMetric}); boxes mAP@0.5 over the 6 object classes ({@link BoxMetric}); captions: exact match of the
 * object count and colours ({@link CaptionMetric}).
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * What an evaluation produced.
     *
     * @param report      the table
     * @param predictions the model's predictions, one per scene, in order
     */
    public record Result(EvalReport report, List<DemoModel.RgbPrediction> predictions) {
    }

    /**
     * Evaluates.
     *
     * @param model      the trained demo model
     * @param tokenizers its image tokenizers
     * @param heldout    the held-out scenes
     * @param trivial    the trivial predictor
     * @param seed       generation seed
     */
    public static Result evaluate(DemoModel model, DemoTokenizers tokenizers, List<SceneData> heldout,
                                  TrivialPredictor trivial, long seed, DemoProgress progress) {
        List<DemoModel.RgbPrediction> predictions = model.fromRgb(heldout, seed, progress);
        Map<String, fourm.api.Modality> mods = model.modalities();
        SequenceTokenizer<Detections> det = DemoText.detTokenizer(mods.get("det"));
        SequenceTokenizer<String> cap = DemoText.captionTokenizer(mods.get("caption"));
        int detBudget = mods.get("det").spec().maxTokens();
        int capBudget = mods.get("caption").spec().maxTokens();

        List<Raster> depthBound = tokenizers.decode(WorldMap.DEPTH, tokenizers.encode(WorldMap.DEPTH,
                heldout));
        List<Raster> normalBound = tokenizers.decode(WorldMap.NORMAL, tokenizers.encode(WorldMap.NORMAL,
                heldout));
        List<Raster> semsegBound = tokenizers.decode(WorldMap.SEMSEG, tokenizers.encode(WorldMap.SEMSEG,
                heldout));

        DepthMetric[] depth = {new DepthMetric(), new DepthMetric(), new DepthMetric()};
        NormalMetric[] normal = {new NormalMetric(), new NormalMetric(), new NormalMetric()};
        SemsegMetric[] semseg = {new SemsegMetric(Classes.count()), new SemsegMetric(Classes.count()),
            new SemsegMetric(Classes.count())};
        List<String> things = new ArrayList<>();
        for (Classes.SemanticClass c : Classes.all()) {
            if (c.thing()) {
                things.add(c.name());
            }
        }
        BoxMetric[] boxes = {new BoxMetric(things), new BoxMetric(things), new BoxMetric(things)};
        CaptionMetric[] captions = {new CaptionMetric(), new CaptionMetric(), new CaptionMetric()};
        float[] trivialDepth = trivial.depth();
        float[] trivialNormals = trivial.normals();
        int[] trivialSemseg = trivial.semseg();
        for (int i = 0; i < heldout.size(); i++) {
            SceneData s = heldout.get(i);
            DemoModel.RgbPrediction p = predictions.get(i);
            boolean[] valid = s.notSky();
            float[] d = s.depth();
            float[] n = s.normals();
            int[] c = s.semseg();
            depth[0].add(p.depth().data(), d, valid);
            depth[1].add(depthBound.get(i).data(), d, valid);
            depth[2].add(trivialDepth, d, valid);
            normal[0].add(WorldMap.normalVectors(p.normal()), n, valid);
            normal[1].add(WorldMap.normalVectors(normalBound.get(i)), n, valid);
            normal[2].add(trivialNormals, n, valid);
            semseg[0].add(WorldMap.classIds(p.semseg()), c);
            semseg[1].add(WorldMap.classIds(semsegBound.get(i)), c);
            semseg[2].add(trivialSemseg, c);
            boxes[0].add(p.det(), s.det());
            boxes[1].add(det.decode(budget(det.encode(s.det()), detBudget)), s.det());
            boxes[2].add(trivial.boxes(), s.det());
            captions[0].add(p.caption(), s.caption());
            captions[1].add(cap.decode(budget(cap.encode(s.caption()), capBudget)), s.caption());
            captions[2].add(trivial.caption(), s.caption());
        }
        List<EvalReport.Row> rows = List.of(
                new EvalReport.Row("depth", "L1 (m)", "depth_l1", false, depth[0].l1(), depth[1].l1(),
                        depth[2].l1()),
                new EvalReport.Row("depth", "delta1", "depth_delta1", true, depth[0].delta1(), depth[1].delta1(),
                        depth[2].delta1()),
                new EvalReport.Row("normals", "mean angle (deg)", "normal_angle", false,
                        normal[0].meanAngleDegrees(), normal[1].meanAngleDegrees(), normal[2].meanAngleDegrees()),
                new EvalReport.Row("semseg", "mIoU", "semseg_miou", true, semseg[0].meanIou(), semseg[1].meanIou(),
                        semseg[2].meanIou()),
                new EvalReport.Row("boxes", "mAP@0.5", "det_map50", true, boxes[0].meanAveragePrecision(),
                        boxes[1].meanAveragePrecision(), boxes[2].meanAveragePrecision()),
                new EvalReport.Row("caption", "count+colours exact", "caption_exact", true,
                        captions[0].exactMatch(), captions[1].exactMatch(), captions[2].exactMatch()));
        JsonObject details = new JsonObject();
        String[] who = {"model", "tokenizer_bound", "trivial"};
        for (int k = 0; k < 3; k++) {
            JsonObject o = new JsonObject();
            o.addProperty("semseg_pixel_accuracy", semseg[k].pixelAccuracy());
            JsonObject iou = new JsonObject();
            for (Classes.SemanticClass c : Classes.all()) {
                iou.addProperty(c.name(), semseg[k].iou(c.id()));
            }
            o.add("semseg_iou", iou);
            JsonObject ap = new JsonObject();
            boxes[k].perClass().forEach(ap::addProperty);
            o.add("det_ap50", ap);
            o.addProperty("caption_count_match", captions[k].countMatch());
            o.addProperty("caption_colors_match", captions[k].colorsMatch());
            o.addProperty("caption_unparsed", captions[k].unparsed());
            details.add(who[k], o);
        }
        details.addProperty("depth_pixels", depth[0].pixels());
        return new Result(new EvalReport(heldout.size(), rows, details), predictions);
    }

    /** A sequence cut to what fits a modality's token budget with its [EOS], as the model's input layout cuts it. */
    static int[] budget(int[] ids, int maxTokens) {
        return ids.length < maxTokens ? ids : Arrays.copyOf(ids, maxTokens - 1);
    }
}
