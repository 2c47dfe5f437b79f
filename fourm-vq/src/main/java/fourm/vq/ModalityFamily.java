package fourm.vq;

import java.util.Locale;

/**
 * The kinds of image-like modality a tokenizer can be made for (spec-4m.md §6.1), each with its input normalisation,
 * its reconstruction loss and its metrics.
 *
 * <p>Values go in and come out of {@link ImageTokenizer} in the units given here ("natural units"); the tokenizer
 * normalises them as the reference does before the encoder, and undoes what can be undone after the decoder:
 *
 * <table>
 *   <caption>Families</caption>
 *   <tr><th>family</th><th>natural units (in and out)</th><th>encoder input</th><th>loss</th></tr>
 *   <tr><td>rgb</td><td>3 channels in [0, 1]</td><td>{@code 2x - 1}, in [-1, 1]</td><td>MSE</td></tr>
 *   <tr><td>normal</td><td>3 channels in [0, 1], {@code n * 0.5 + 0.5} as in a normal-map PNG</td>
 *       <td>{@code 2x - 1}: the unit normal</td><td>MSE</td></tr>
 *   <tr><td>edge</td><td>1 channel in [0, 1] (1 on edges)</td><td>{@code 2x - 1}</td><td>smooth L1</td></tr>
 *   <tr><td>depth</td><td>1 channel, any positive unit (metres, millimetres)</td><td>truncated standardisation:
 *       mean and standard deviation of the values between the 10th and 90th percentile, then
 *       {@code (d - mean) / std}. Decoding returns standardised depth: the scale is not recoverable</td>
 *       <td>smooth L1</td></tr>
 *   <tr><td>semseg</td><td>1 channel of class ids {@code 0 .. classes-1}, or the ignore id for "no class"</td>
 *       <td>ids shifted by +1 (0 = no class), embedded by {@code cls_emb}</td><td>cross-entropy</td></tr>
 *   <tr><td>feature-map</td><td>C channels of features on the token grid (no patches: 1x1)</td><td>as is</td>
 *       <td>smooth L1</td></tr>
 *   <tr><td>global-embedding</td><td>C channels, 1 x 1</td><td>as is</td><td>cosine</td></tr>
 * </table>
 */
public enum ModalityFamily {
    /** Colour images. */
    RGB(LossKind.MSE),
    /** Depth maps. */
    DEPTH(LossKind.SMOOTH_L1),
    /** Surface normals. */
    NORMAL(LossKind.MSE),
    /** Semantic segmentation (class-id maps). */
    SEMSEG(LossKind.CROSS_ENTROPY),
    /** Edge maps (Canny edges, SAM edges). */
    EDGE(LossKind.SMOOTH_L1),
    /** Dense feature maps of a teacher network (CLIP, DINOv2, ImageBind), one vector per token. */
    FEATURE_MAP(LossKind.SMOOTH_L1),
    /** One global embedding per image (DINOv2 / ImageBind class token), tokenized by Memcodes. */
    GLOBAL_EMBEDDING(LossKind.COSINE);

    private final LossKind defaultLoss;

    ModalityFamily(LossKind defaultLoss) {
        this.defaultLoss = defaultLoss;
    }

    /** The reference's reconstruction loss for this family. */
    public LossKind defaultLoss() {
        return defaultLoss;
    }

    /** True for families tokenized in patches of pixels (a Conv-style patch projection). */
    public boolean usesPatches() {
        return this != FEATURE_MAP && this != GLOBAL_EMBEDDING;
    }

    /** True for families whose values are images in [0, 1] mapped to [-1, 1]. */
    public boolean isUnitRange() {
        return this == RGB || this == NORMAL || this == EDGE;
    }

    /** The configuration name: {@code rgb}, {@code depth}, ..., {@code feature-map}, {@code global-embedding}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The family of a configuration name.
     *
     * @throws IllegalArgumentException listing the names
     */
    public static ModalityFamily fromConfigName(String name) {
        for (ModalityFamily f : values()) {
            if (f.configName().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown modality family '" + name + "'; expected one of rgb, depth,"
                + " normal, semseg, edge, feature-map, global-embedding");
    }

    /** The reconstruction losses of spec §6.1. */
    public enum LossKind {
        /** Mean squared error. */
        MSE,
        /** Smooth L1 (Huber with beta 1). */
        SMOOTH_L1,
        /** Cross-entropy over classes (semseg). */
        CROSS_ENTROPY,
        /** One minus the cosine similarity over channels, averaged over positions. */
        COSINE;

        /** The configuration name: {@code mse}, {@code smooth-l1}, {@code cross-entropy}, {@code cosine}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The loss of a configuration name.
         *
         * @throws IllegalArgumentException listing the names
         */
        public static LossKind fromConfigName(String name) {
            for (LossKind l : values()) {
                if (l.configName().equals(name)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown loss '" + name + "'; expected mse, smooth-l1, cross-entropy"
                    + " or cosine");
        }
    }
}
