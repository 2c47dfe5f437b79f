package fourm.tfjs.label;

import fourm.api.label.Keypoints;
import fourm.api.label.Rgb8Image;
import fourm.tfjs.HostTensor;
import fourm.tfjs.TfjsModel;
import fourm.tfjs.TfjsModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code keypoints:movenet}: the 17 COCO body keypoints of the main person, with MoveNet SinglePose Lightning.
 *
 * <p>Input: the photo letterboxed into a {@code 192 x 192} square (top-left, black padding), RGB values 0..255 as
 * int32 (the model normalises them itself). Output {@code [1, 1, 17, 3]}: per keypoint {@code (y, x, score)}, with
 * y and x normalised to the square; they are mapped back to the photo. The person's score is the mean keypoint score;
 * a photo whose person score is below {@code person-threshold} gets no pose.
 */
final class MoveNetLabeler extends ModelLabeler {
    private final int side;
    private final float personThreshold;
    private final String input;
    private final String output;

    MoveNetLabeler(TfjsModel model, int side, float personThreshold) {
        super("keypoints:movenet", "keypoints", model);
        this.side = side;
        this.personThreshold = personThreshold;
        if (model.signatureInputs().size() != 1 || model.signatureOutputs().size() != 1) {
            throw new TfjsModelException(model.file(), "MoveNet SinglePose has one input and one output; the"
                    + " signature lists " + model.signatureInputs().keySet() + " -> "
                    + model.signatureOutputs().keySet());
        }
        this.input = model.signatureInputs().keySet().iterator().next();
        this.output = model.signatureOutputs().keySet().iterator().next();
        HostTensor probe = run(new float[side * side * 3]);
        long[] shape = probe.shape();
        if (shape.length != 4 || shape[2] != CocoNames.KEYPOINTS.size() || shape[3] != 3) {
            throw new TfjsModelException(model.file(), output, "expected an output of shape [1, 1, 17, 3], got "
                    + java.util.Arrays.toString(shape));
        }
    }

    private HostTensor run(float[] hwc) {
        return model.run(Map.of(input, HostTensor.of(hwc, 1, side, side, 3)), List.of(output)).get(output);
    }

    @Override
    Keypoints labelImage(Rgb8Image image) {
        Resampler.Placement placement = Resampler.placement(image.width(), image.height(), side);
        HostTensor out = run(Resampler.letterbox(image, side));
        List<Keypoints.Point> points = new ArrayList<>();
        float sum = 0;
        for (int k = 0; k < CocoNames.KEYPOINTS.size(); k++) {
            float y = out.get(3 * k);
            float x = out.get(3 * k + 1);
            float score = Resampler.clamp01(out.get(3 * k + 2));
            sum += score;
            points.add(new Keypoints.Point(placement.toPhotoX(x * side), placement.toPhotoY(y * side), score));
        }
        float personScore = sum / CocoNames.KEYPOINTS.size();
        List<Keypoints.Pose> poses = personScore >= personThreshold
                ? List.of(new Keypoints.Pose(personScore, points)) : List.of();
        return new Keypoints(CocoNames.KEYPOINTS, poses);
    }
}
