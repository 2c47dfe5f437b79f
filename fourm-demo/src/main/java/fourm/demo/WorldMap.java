package fourm.demo;

import fourm.vq.Raster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One of the four maps of the demo's world that the model sees as image tokens, and the modality plugin that owns its
 * tokenizer: the scene's field it is made of (in the natural units of the plugin's values) and the plugin's key in the
 * {@link fourm.core.ModalityRegistry}. The plugin brings the specification (positions, masking, generation defaults),
 * the tokenizer and its file format; the demo only sets, through the plugin's configuration node, its 64 px world's
 * size, key and vocabulary and the checkpoint of the tokenizer it trained (see {@link DemoTokenizers}).
 *
 * @param name       the short name ({@code rgb}, {@code depth}, ...): the weight file and the settings' names
 * @param pluginKey  the key of the plugin's provider ({@code tok_rgb@224})
 * @param fromScene  the scene's map as the plugin's raw value
 */
public record WorldMap(String name, String pluginKey, Function<SceneData, Raster> fromScene) {
    /** Colour: 3 channels in [0, 1]. */
    public static final WorldMap RGB = new WorldMap("rgb", "tok_rgb@224", WorldMap::rgb);
    /** Depth in metres (the tokenizer standardises each map). */
    public static final WorldMap DEPTH = new WorldMap("depth", "tok_depth@224",
            s -> new Raster(1, s.size(), s.size(), s.depth()));
    /** Surface normals as {@code n * 0.5 + 0.5}, 3 channels. */
    public static final WorldMap NORMAL = new WorldMap("normal", "tok_normal@224", WorldMap::normal);
    /** Class ids, 1 channel. */
    public static final WorldMap SEMSEG = new WorldMap("semseg", "tok_semseg@224", WorldMap::semseg);

    /** The four, in the order of the experiment's modalities. */
    public static final List<WorldMap> ALL = List.of(RGB, DEPTH, NORMAL, SEMSEG);

    /** Checks the parts. */
    public WorldMap {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pluginKey, "pluginKey");
        Objects.requireNonNull(fromScene, "fromScene");
    }

    /** The short names of all four. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (WorldMap m : ALL) {
            out.add(m.name);
        }
        return out;
    }

    /** The map of a short name. */
    public static WorldMap of(String name) {
        for (WorldMap m : ALL) {
            if (m.name.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown image modality '" + name + "'; expected one of " + names());
    }

    /** The model's key at a resolution: the plugin's key with the resolution, e.g. {@code tok_rgb@64}. */
    public String key(int resolution) {
        int at = pluginKey.indexOf('@');
        return (at < 0 ? pluginKey : pluginKey.substring(0, at)) + "@" + resolution;
    }

    /** The tokenizer's input for a scene, in the natural units of the plugin's values. */
    public Raster raster(SceneData s) {
        return fromScene.apply(s);
    }

    private static Raster rgb(SceneData s) {
        int n = s.size() * s.size();
        byte[] rgb = s.rgb();
        float[] v = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                v[c * n + i] = (rgb[3 * i + c] & 0xff) / 255f;
            }
        }
        return new Raster(3, s.size(), s.size(), v);
    }

    private static Raster normal(SceneData s) {
        int n = s.size() * s.size();
        float[] nrm = s.normals();
        float[] v = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                v[c * n + i] = Math.max(0f, Math.min(1f, nrm[3 * i + c] * 0.5f + 0.5f));
            }
        }
        return new Raster(3, s.size(), s.size(), v);
    }

    private static Raster semseg(SceneData s) {
        int n = s.size() * s.size();
        int[] ids = s.semseg();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = ids[i];
        }
        return new Raster(1, s.size(), s.size(), v);
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
