package fourm.modality.pose;

import java.util.List;
import java.util.Objects;

/**
 * One person's 3D pose estimate (HMR2 / 4D-Humans output, spec §9).
 *
 * @param xmin         box left, normalised to [0, 1]
 * @param ymin         box top, normalised
 * @param xmax         box right, normalised
 * @param ymax         box bottom, normalised
 * @param poseTokens   the 8 body-pose tokens of the pose tokenizer, each in [0, 1024)
 * @param globalOrient the 9 entries of the global rotation matrix, row-major
 * @param camera       the 3 weak-perspective camera values
 * @param betas        the 10 SMPL shape coefficients
 */
public record Human(double xmin, double ymin, double xmax, double ymax, List<Integer> poseTokens,
                    List<Double> globalOrient, List<Double> camera, List<Double> betas) {
    /** Pose tokens per human. */
    public static final int POSE_TOKENS = 8;
    /** Codebook size of the pose tokenizer. */
    public static final int POSE_VOCAB = 1024;

    /** Copies the lists and checks every field; the message names it. */
    public Human {
        box("xmin", xmin);
        box("ymin", ymin);
        box("xmax", xmax);
        box("ymax", ymax);
        poseTokens = List.copyOf(Objects.requireNonNull(poseTokens, "poseTokens"));
        if (poseTokens.size() != POSE_TOKENS) {
            throw new IllegalArgumentException("human: expected " + POSE_TOKENS + " pose tokens, got "
                    + poseTokens.size());
        }
        for (int t : poseTokens) {
            if (t < 0 || t >= POSE_VOCAB) {
                throw new IllegalArgumentException("human: pose token must be in [0, " + POSE_VOCAB + "), got " + t);
            }
        }
        globalOrient = finite("global orientation", globalOrient, 9);
        camera = finite("camera", camera, 3);
        betas = finite("betas", betas, 10);
    }

    private static void box(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("human: box " + name + " must be normalised to [0, 1], got " + v);
        }
    }

    /** A copy of {@code values}, checked to hold {@code size} finite numbers; the message names {@code name}. */
    static List<Double> finite(String name, List<Double> values, int size) {
        List<Double> copy = List.copyOf(Objects.requireNonNull(values, name));
        if (copy.size() != size) {
            throw new IllegalArgumentException("human: expected " + size + " " + name + " values, got " + copy.size());
        }
        for (double v : copy) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("human: " + name + " values must be finite, got " + v);
            }
        }
        return copy;
    }
}
