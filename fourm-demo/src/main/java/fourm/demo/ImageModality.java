package fourm.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.vq.Raster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The four image-like modalities of the demo, each tokenized by its own VQ tokenizer into a token grid: how a scene's
 * map becomes the tokenizer's input (fourm-vq's natural units) and how the model's key is named.
 *
 * <p>The specification starts from the modality plugin's node ({@code fourm.modality.rgb.tokens}, ...), so the
 * positional scheme, masking policy and input/output flags are the plugin's; the demo replaces the key, the image
 * size, the patch size and the vocabulary: {@code tok_rgb@64} at 64 x 64 with patch 8 is an 8 x 8 grid of the demo
 * tokenizer's codes. (The plugins' own keys, {@code tok_rgb@224}, name the reference's 224-pixel tokenizers.)
 */
public enum ImageModality {
    /** Colour: 3 channels in [0, 1]. */
    RGB("rgb", "fourm.modality.rgb.tokens", "tok_rgb"),
    /** Depth in metres (the tokenizer standardises each map). */
    DEPTH("depth", "fourm.modality.depth.tokens", "tok_depth"),
    /** Surface normals as {@code n * 0.5 + 0.5}, 3 channels. */
    NORMAL("normal", "fourm.modality.normal.tokens", "tok_normal"),
    /** Class ids, 1 channel. */
    SEMSEG("semseg", "fourm.modality.semseg.tokens", "tok_semseg");

    private final String name;
    private final String pluginNode;
    private final String keyBase;

    ImageModality(String name, String pluginNode, String keyBase) {
        this.name = name;
        this.pluginNode = pluginNode;
        this.keyBase = keyBase;
    }

    /** The short name: {@code rgb}, {@code depth}, {@code normal}, {@code semseg}. */
    public String shortName() {
        return name;
    }

    /** The short names of all four. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (ImageModality m : values()) {
            out.add(m.name);
        }
        return out;
    }

    /** The modality of a short name. */
    public static ImageModality of(String name) {
        for (ImageModality m : values()) {
            if (m.name.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown image modality '" + name + "'; expected one of " + names());
    }

    /** The model's key at a resolution, e.g. {@code tok_rgb@64}. */
    public String key(int resolution) {
        return keyBase + "@" + resolution;
    }

    /**
     * The model modality: the plugin's specification with the demo's key, sizes and vocabulary.
     *
     * @param root      the resolved configuration (it holds the plugin's node)
     * @param vocabSize codebook size of the modality's tokenizer
     */
    public Modality modality(Config root, int resolution, int patchSize, int vocabSize) {
        if (!root.hasPath(pluginNode)) {
            throw new IllegalStateException("the configuration has no '" + pluginNode + "': the " + name
                    + " modality plugin is not on the module path");
        }
        Config node = root.getConfig(pluginNode)
                .withValue("key", ConfigValueFactory.fromAnyRef(key(resolution)))
                .withValue("image-size", ConfigValueFactory.fromAnyRef(resolution))
                .withValue("patch-size", ConfigValueFactory.fromAnyRef(patchSize))
                .withValue("vocab-size", ConfigValueFactory.fromAnyRef(vocabSize));
        if (node.hasPath("max-tokens")) {
            node = node.withoutPath("max-tokens");
        }
        return Modality.pretokenized(ModalitySpec.fromConfig(node));
    }

    /** The tokenizer's input for a scene, in fourm-vq's natural units for this family. */
    public Raster raster(SceneData s) {
        int n = s.size() * s.size();
        switch (this) {
            case RGB -> {
                byte[] rgb = s.rgb();
                float[] v = new float[3 * n];
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < 3; c++) {
                        v[c * n + i] = (rgb[3 * i + c] & 0xff) / 255f;
                    }
                }
                return new Raster(3, s.size(), s.size(), v);
            }
            case DEPTH -> {
                return new Raster(1, s.size(), s.size(), s.depth());
            }
            case NORMAL -> {
                float[] nrm = s.normals();
                float[] v = new float[3 * n];
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < 3; c++) {
                        v[c * n + i] = Math.max(0f, Math.min(1f, nrm[3 * i + c] * 0.5f + 0.5f));
                    }
                }
                return new Raster(3, s.size(), s.size(), v);
            }
            case SEMSEG -> {
                int[] ids = s.semseg();
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = ids[i];
                }
                return new Raster(1, s.size(), s.size(), v);
            }
            default -> throw new AssertionError(this);
        }
    }

    /** sRGB bytes (3 per pixel, interleaved) of a decoded RGB raster. */
    static byte[] rgbBytes(Raster r) {
        int n = r.height() * r.width();
        float[] d = r.data();
        byte[] out = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[3 * i + c] = (byte) Math.round(Math.max(0f, Math.min(1f, d[c * n + i])) * 255f);
            }
        }
        return out;
    }

    /** Interleaved normals {@code 2x - 1} (3 per pixel) of a decoded normal raster. */
    static float[] normalVectors(Raster r) {
        int n = r.height() * r.width();
        float[] d = r.data();
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[3 * i + c] = d[c * n + i] * 2f - 1f;
            }
        }
        return out;
    }

    /** Class ids of a decoded semseg raster (the tokenizer's "no class" stays outside the class range). */
    static int[] classIds(Raster r) {
        float[] d = r.data();
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Math.round(d[i]);
        }
        return out;
    }
}
