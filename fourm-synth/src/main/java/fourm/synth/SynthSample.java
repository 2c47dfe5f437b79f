package fourm.synth;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * One generated sample in memory: the rendered maps, the derived labels and the JSON documents, all from the same
 * scene. Arrays are row-major ({@code i = y * width + x}) and every accessor returns a fresh copy. {@link #encode}
 * gives the bytes of any {@link SynthFile}, exactly as {@link SynthWorld#generate} writes them.
 */
public final class SynthSample {
    private final String key;
    private final int index;
    private final int width;
    private final int height;
    private final byte[] rgb;
    private final float[] depth;
    private final float[] normals;
    private final byte[] semseg;
    private final int[] segments;
    private final boolean[] cannyEdges;
    private final boolean[] samEdges;
    private final String caption;
    private final Map<SynthFile, String> json;
    private final double far;

    SynthSample(String key, int index, int width, int height, byte[] rgb, float[] depth, float[] normals,
            byte[] semseg, int[] segments, boolean[] cannyEdges, boolean[] samEdges, String caption,
            Map<SynthFile, String> json, double far) {
        this.key = key;
        this.index = index;
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.depth = depth;
        this.normals = normals;
        this.semseg = semseg;
        this.segments = segments;
        this.cannyEdges = cannyEdges;
        this.samEdges = samEdges;
        this.caption = caption;
        this.json = new EnumMap<>(json);
        this.far = far;
    }

    /** The sample key, e.g. {@code scene-000042}: the file name (without extension) in every folder. */
    public String key() {
        return key;
    }

    /** The sample index the key was made from. */
    public int index() {
        return index;
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /** sRGB, 3 bytes per pixel (R, G, B). */
    public byte[] rgb() {
        return rgb.clone();
    }

    /** Depth along the camera axis in metres; the far plane ({@link #far()}) for the sky. */
    public float[] depth() {
        return depth.clone();
    }

    /** The far plane in metres: the depth of sky pixels. */
    public double far() {
        return far;
    }

    /** Unit normals in the camera frame (x right, y up, z towards the viewer), 3 floats per pixel; 0 for the sky. */
    public float[] normals() {
        return normals.clone();
    }

    /** Semantic class id per pixel ({@link Classes}). */
    public byte[] semseg() {
        return semseg.clone();
    }

    /** Segment id per pixel: 0 sky, 1 ground, 2 + k the k-th object of the scene. */
    public int[] segments() {
        return segments.clone();
    }

    /** Canny edges of the RGB image. */
    public boolean[] cannyEdges() {
        return cannyEdges.clone();
    }

    /** Boundaries between segments. */
    public boolean[] samEdges() {
        return samEdges.clone();
    }

    /** The caption. */
    public String caption() {
        return caption;
    }

    /** The JSON text of a JSON file of the sample. */
    public String json(SynthFile file) {
        String s = json.get(file);
        if (s == null) {
            throw new IllegalArgumentException(file + " is not a JSON file; JSON files are " + json.keySet());
        }
        return s;
    }

    /** The bytes of {@code file} for this sample, as written to disk. */
    public byte[] encode(SynthFile file) {
        return switch (file) {
            case RGB -> Png.rgb8(width, height, rgb);
            case DEPTH -> Png.gray16(width, height, depthMillimetres());
            case NORMAL -> Png.rgb8(width, height, normalBytes());
            case SEMSEG -> Png.gray8(width, height, semseg);
            case SAM_INSTANCE_MAP -> Png.gray8(width, height, segmentBytes());
            case CANNY_EDGE -> Png.gray8(width, height, mask(cannyEdges));
            case SAM_EDGE -> Png.gray8(width, height, mask(samEdges));
            case CAPTION -> caption.getBytes(StandardCharsets.UTF_8);
            case SAM_INSTANCE, DET, COLOR_PALETTE, METADATA, HUMAN_POSES, SCENE ->
                    json(file).getBytes(StandardCharsets.UTF_8);
        };
    }

    private int[] depthMillimetres() {
        int[] mm = new int[depth.length];
        for (int i = 0; i < mm.length; i++) {
            mm[i] = (int) Math.max(0, Math.min(65535, Math.round(depth[i] * 1000.0)));
        }
        return mm;
    }

    private byte[] normalBytes() {
        byte[] b = new byte[normals.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (int) Math.round((Math.max(-1, Math.min(1, normals[i])) * 0.5 + 0.5) * 255);
        }
        return b;
    }

    private byte[] segmentBytes() {
        byte[] b = new byte[segments.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) segments[i];
        }
        return b;
    }

    private static byte[] mask(boolean[] m) {
        byte[] b = new byte[m.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = m[i] ? (byte) 255 : 0;
        }
        return b;
    }
}
