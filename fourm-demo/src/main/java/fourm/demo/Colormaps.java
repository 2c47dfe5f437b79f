package fourm.demo;

import fourm.api.image.Canvas;

import fourm.modality.det.Detection;
import fourm.modality.det.Detections;

/**
 * How maps are shown on the grids: depth through a colour ramp (near is bright), normals as the usual
 * {@code (n + 1) / 2} RGB, classes in a fixed palette, boxes drawn on the picture.
 */
final class Colormaps {
    /** One colour per class of the world (sky, ground, person, sphere, cube, cylinder, cone, capsule). */
    static final int[] CLASS_COLORS = {0x4682b4, 0x98c878, 0xdc143c, 0x00008e, 0xfaaa1e, 0x770b20, 0x00a0a0,
        0xbe78c8};
    private static final int[][] RAMP = {{13, 8, 135}, {126, 3, 168}, {204, 71, 120}, {248, 149, 64},
        {240, 249, 33}};
    /** The box colour on the grids. */
    static final int BOX_COLOR = 0xffff00;

    private Colormaps() {
    }

    /**
     * Colours a depth map: log depth between {@code near} and {@code far} mapped onto the ramp, near bright; pixels at
     * or beyond {@code sky} are black.
     */
    static byte[] depth(float[] d, double near, double far, double sky) {
        byte[] out = new byte[3 * d.length];
        double ln = Math.log(Math.max(1e-3, near));
        double lf = Math.log(Math.max(near + 1e-3, far));
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] < sky)) {
                continue;
            }
            double t = 1 - (Math.log(Math.max(1e-3, d[i])) - ln) / (lf - ln);
            t = Math.max(0, Math.min(1, t));
            double x = t * (RAMP.length - 1);
            int a = (int) Math.min(RAMP.length - 2, Math.floor(x));
            double f = x - a;
            for (int k = 0; k < 3; k++) {
                out[3 * i + k] = (byte) (int) Math.round(RAMP[a][k] + (RAMP[a + 1][k] - RAMP[a][k]) * f);
            }
        }
        return out;
    }

    /** Normals (3 floats per pixel, roughly unit) as RGB bytes {@code round((n + 1) / 2 * 255)}. */
    static byte[] normals(float[] n) {
        byte[] out = new byte[n.length];
        for (int i = 0; i < n.length; i++) {
            double v = Math.max(-1, Math.min(1, n[i]));
            out[i] = (byte) (int) Math.round((v * 0.5 + 0.5) * 255);
        }
        return out;
    }

    /** Class ids as palette colours. */
    static byte[] classes(int[] ids) {
        byte[] out = new byte[3 * ids.length];
        for (int i = 0; i < ids.length; i++) {
            int c = ids[i] >= 0 && ids[i] < CLASS_COLORS.length ? CLASS_COLORS[ids[i]] : 0;
            out[3 * i] = (byte) (c >> 16);
            out[3 * i + 1] = (byte) (c >> 8);
            out[3 * i + 2] = (byte) c;
        }
        return out;
    }

    /** Draws boxes (normalised coordinates) onto a canvas cell at (x, y) of {@code size} pixels. */
    static void boxes(Canvas canvas, Detections dets, int x, int y, int size) {
        for (Detection d : dets.instances()) {
            int x0 = x + (int) Math.floor(d.box().xmin() * size);
            int y0 = y + (int) Math.floor(d.box().ymin() * size);
            int x1 = x + Math.max((int) Math.ceil(d.box().xmax() * size) - 1, x0 - x);
            int y1 = y + Math.max((int) Math.ceil(d.box().ymax() * size) - 1, y0 - y);
            canvas.outline(x0, y0, x1, y1, 1, BOX_COLOR);
        }
    }
}
