package fourm.tfjs.label;

import fourm.api.label.DenseMap;
import fourm.api.label.Rgb8Image;
import fourm.tfjs.HostTensor;
import fourm.tfjs.TfjsModel;
import fourm.tfjs.TfjsModelException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A labeler whose label is one tensor of the network, {@code [1, height, width, channels]}, over the photo stretched
 * to the model's square input (so that the map covers the whole photo): {@code person-mask:selfie} (the selfie
 * segmentation's person probability) and {@code features:movenet-backbone} (a feature map of MoveNet's MobileNetV2).
 */
final class DenseLabeler extends ModelLabeler {
    /** How the photo's RGB 0..255 values are scaled for the model: {@code v * scale + offset}. */
    record InputScaling(float scale, float offset) {
    }

    private final int side;
    private final String input;
    private final String node;
    private final String mapName;
    private final InputScaling scaling;

    DenseLabeler(String name, String modalityKey, TfjsModel model, int side, String node, String mapName,
                 InputScaling scaling) {
        super(name, modalityKey, model);
        this.side = side;
        this.node = node;
        this.mapName = mapName;
        this.scaling = scaling;
        if (model.signatureInputs().size() != 1) {
            throw new TfjsModelException(model.file(), "expected one input; the signature lists "
                    + model.signatureInputs().keySet());
        }
        this.input = model.signatureInputs().keySet().iterator().next();
        if (model.op(nodeName(node)).isEmpty()) {
            throw new TfjsModelException(model.file(), nodeName(node), "the graph has no node of that name to"
                    + " fetch the " + mapName + " map from");
        }
        long[] shape = run(new float[side * side * 3]).shape();
        if (shape.length != 4 || shape[0] != 1) {
            throw new TfjsModelException(model.file(), nodeName(node), "expected a [1, height, width, channels] map,"
                    + " got " + Arrays.toString(shape));
        }
    }

    private static String nodeName(String tensor) {
        int colon = tensor.lastIndexOf(':');
        return colon > 0 ? tensor.substring(0, colon) : tensor;
    }

    private HostTensor run(float[] hwc) {
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = hwc[i] * scaling.scale() + scaling.offset();
        }
        return model.run(Map.of(input, HostTensor.of(hwc, 1, side, side, 3)), List.of(node)).get(node);
    }

    @Override
    DenseMap labelImage(Rgb8Image image) {
        HostTensor out = run(Resampler.stretch(image, side, side));
        long[] s = out.shape();
        return new DenseMap(mapName, (int) s[1], (int) s[2], (int) s[3], out.values());
    }
}
