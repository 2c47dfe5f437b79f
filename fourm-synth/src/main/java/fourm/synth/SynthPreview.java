package fourm.synth;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A contact sheet of one sample for people to look at: a 4 x 2 grid of RGB, depth (colour-mapped, near is bright),
 * normals, semantic classes; segments, Canny edges, SAM edges, and the RGB with the detection boxes (yellow) and the
 * human skeletons (cyan) drawn from the JSON labels. Returned as PNG bytes.
 */
public final class SynthPreview {
    private static final int[][] CLASS_COLORS = {
        {70, 130, 180}, {152, 200, 120}, {220, 20, 60}, {0, 0, 142}, {250, 170, 30}, {119, 11, 32}, {0, 160, 160},
        {190, 120, 200},
    };
    private static final int[][] RAMP = {{13, 8, 135}, {126, 3, 168}, {204, 71, 120}, {248, 149, 64},
        {240, 249, 33}};

    private SynthPreview() {
    }

    /** The contact sheet of {@code s} as PNG bytes ({@code 4 * width} x {@code 2 * height} pixels). */
    public static byte[] grid(SynthSample s) {
        int w = s.width(), h = s.height();
        int gw = 4 * w, gh = 2 * h;
        byte[] out = new byte[3 * gw * gh];
        byte[] rgb = s.rgb();
        paste(out, gw, 0, 0, w, h, rgb);
        paste(out, gw, w, 0, w, h, depthColors(s));
        paste(out, gw, 2 * w, 0, w, h, normalColors(s));
        byte[] sem = s.semseg();
        byte[] semRgb = new byte[3 * w * h];
        for (int i = 0; i < sem.length; i++) {
            put(semRgb, i, CLASS_COLORS[sem[i] % CLASS_COLORS.length]);
        }
        paste(out, gw, 3 * w, 0, w, h, semRgb);
        int[] seg = s.segments();
        byte[] segRgb = new byte[3 * w * h];
        for (int i = 0; i < seg.length; i++) {
            put(segRgb, i, segmentColor(seg[i]));
        }
        paste(out, gw, 0, h, w, h, segRgb);
        paste(out, gw, w, h, w, h, edges(s.cannyEdges()));
        paste(out, gw, 2 * w, h, w, h, edges(s.samEdges()));
        paste(out, gw, 3 * w, h, w, h, overlay(s, rgb));
        return Png.rgb8(gw, gh, out);
    }

    private static byte[] depthColors(SynthSample s) {
        float[] d = s.depth();
        double lo = Double.MAX_VALUE, hi = 0;
        for (float v : d) {
            if (v < s.far()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        byte[] out = new byte[3 * d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] >= s.far()) {
                continue;
            }
            double t = hi > lo ? 1 - (StrictMath.log(d[i]) - StrictMath.log(lo)) / (StrictMath.log(hi) - StrictMath.log(lo)) : 1;
            double x = t * (RAMP.length - 1);
            int a = (int) Math.min(RAMP.length - 2, Math.floor(x));
            double f = x - a;
            int[] c = new int[3];
            for (int k = 0; k < 3; k++) {
                c[k] = (int) Math.round(RAMP[a][k] + (RAMP[a + 1][k] - RAMP[a][k]) * f);
            }
            put(out, i, c);
        }
        return out;
    }

    private static byte[] normalColors(SynthSample s) {
        float[] n = s.normals();
        byte[] out = new byte[n.length];
        for (int i = 0; i < n.length; i++) {
            out[i] = (byte) (int) Math.round((n[i] * 0.5 + 0.5) * 255);
        }
        return out;
    }

    private static int[] segmentColor(int id) {
        if (id == RenderMaps.SEGMENT_SKY) {
            return new int[] {0, 0, 0};
        }
        if (id == RenderMaps.SEGMENT_GROUND) {
            return new int[] {90, 90, 90};
        }
        double hue = (id * 0.618033988749895) % 1.0 * 6;
        int sector = (int) hue;
        double f = hue - sector;
        int hi = 255, lo = 64, up = (int) Math.round(lo + (hi - lo) * f), down = (int) Math.round(hi - (hi - lo) * f);
        return switch (sector) {
            case 0 -> new int[] {hi, up, lo};
            case 1 -> new int[] {down, hi, lo};
            case 2 -> new int[] {lo, hi, up};
            case 3 -> new int[] {lo, down, hi};
            case 4 -> new int[] {up, lo, hi};
            default -> new int[] {hi, lo, down};
        };
    }

    private static byte[] edges(boolean[] e) {
        byte[] out = new byte[3 * e.length];
        for (int i = 0; i < e.length; i++) {
            if (e[i]) {
                put(out, i, new int[] {255, 255, 255});
            }
        }
        return out;
    }

    private static byte[] overlay(SynthSample s, byte[] rgb) {
        int w = s.width(), h = s.height();
        byte[] out = rgb.clone();
        JsonObject det = JsonParser.parseString(s.json(SynthFile.DET)).getAsJsonObject();
        int[] yellow = {255, 230, 0};
        for (JsonElement e : det.getAsJsonArray("instances")) {
            JsonArray b = e.getAsJsonObject().getAsJsonArray("boxes");
            int x0 = (int) Math.round(b.get(0).getAsDouble() * w), y0 = (int) Math.round(b.get(1).getAsDouble() * h);
            int x1 = (int) Math.round(b.get(2).getAsDouble() * w) - 1;
            int y1 = (int) Math.round(b.get(3).getAsDouble() * h) - 1;
            line(out, w, h, x0, y0, x1, y0, yellow);
            line(out, w, h, x1, y0, x1, y1, yellow);
            line(out, w, h, x1, y1, x0, y1, yellow);
            line(out, w, h, x0, y1, x0, y0, yellow);
        }
        JsonObject poses = JsonParser.parseString(s.json(SynthFile.HUMAN_POSES)).getAsJsonObject();
        if (poses.has("smpl_joints_2d")) {
            int[] cyan = {0, 255, 255};
            for (JsonElement person : poses.getAsJsonArray("smpl_joints_2d")) {
                JsonArray j = person.getAsJsonArray();
                for (int k = 1; k < HumanFigure.JOINTS; k++) {
                    JsonArray a = j.get(HumanFigure.PARENTS[k]).getAsJsonArray(), b = j.get(k).getAsJsonArray();
                    line(out, w, h, (int) Math.floor(a.get(0).getAsDouble()), (int) Math.floor(a.get(1).getAsDouble()),
                            (int) Math.floor(b.get(0).getAsDouble()), (int) Math.floor(b.get(1).getAsDouble()), cyan);
                }
            }
        }
        return out;
    }

    private static void line(byte[] img, int w, int h, int x0, int y0, int x1, int y1, int[] c) {
        int steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
        for (int t = 0; t <= steps; t++) {
            int x = steps == 0 ? x0 : x0 + Math.round((float) (x1 - x0) * t / steps);
            int y = steps == 0 ? y0 : y0 + Math.round((float) (y1 - y0) * t / steps);
            if (x >= 0 && y >= 0 && x < w && y < h) {
                put(img, y * w + x, c);
            }
        }
    }

    private static void put(byte[] img, int i, int[] c) {
        img[3 * i] = (byte) c[0];
        img[3 * i + 1] = (byte) c[1];
        img[3 * i + 2] = (byte) c[2];
    }

    private static void paste(byte[] dst, int dstWidth, int ox, int oy, int w, int h, byte[] src) {
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, 3 * y * w, dst, 3 * ((oy + y) * dstWidth + ox), 3 * w);
        }
    }
}
