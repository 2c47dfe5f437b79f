package fourm.vq.io;

import fourm.vq.ImageValues;
import fourm.vq.Raster;
import java.util.SplittableRandom;

/**
 * Crops of training and pre-tokenization (spec-4m.md §9): crop settings {@code (top, left, h, w, hflip)} in source
 * pixels, as the reference's {@code crop_settings} files store them, made once per sample and applied to every
 * modality of it, so their tokens stay aligned.
 *
 * <ul>
 *   <li>{@link #centre}: the largest centred square, not flipped (the reference's crop 0 and evaluation crop);</li>
 *   <li>{@link #randomResized}: torchvision's RandomResizedCrop parameters (area fraction uniform in
 *       {@code [minScale, 1]}, aspect ratio log-uniform in [3/4, 4/3], ten tries, then a centre crop clamped to the
 *       ratio range) and a horizontal flip with probability 1/2.</li>
 * </ul>
 * {@link #apply} cuts the region and resizes it: bilinear ({@code align_corners=False}, no antialiasing) for
 * continuous values, nearest for class ids; a flip mirrors the columns, and for normals also negates x ({@code
 * v -> 1 - v} in the [0, 1] encoding), as the reference's normal transform does.
 */
public final class Crops {
    private Crops() {
    }

    /**
     * One crop.
     *
     * @param top   first row
     * @param left  first column
     * @param h     rows
     * @param w     columns
     * @param hflip mirror horizontally after cropping
     */
    public record Crop(int top, int left, int h, int w, boolean hflip) {
        /** Checks the extent. */
        public Crop {
            if (top < 0 || left < 0 || h < 1 || w < 1) {
                throw new IllegalArgumentException("bad crop (top " + top + ", left " + left + ", h " + h + ", w " + w
                        + ")");
            }
        }

        /** The reference's row {@code [top, left, h, w, hflip]}. */
        public int[] toRow() {
            return new int[] {top, left, h, w, hflip ? 1 : 0};
        }

        /** A crop from a {@code [top, left, h, w, hflip]} row. */
        public static Crop fromRow(int[] row) {
            if (row.length != 5 || (row[4] != 0 && row[4] != 1)) {
                throw new IllegalArgumentException("a crop row is [top, left, h, w, hflip] with hflip 0 or 1");
            }
            return new Crop(row[0], row[1], row[2], row[3], row[4] == 1);
        }

        /** This crop in a map {@code factor} times the size of the source (for example a feature map). */
        public Crop scaled(double factorH, double factorW) {
            int t = (int) Math.floor(top * factorH);
            int l = (int) Math.floor(left * factorW);
            int hh = Math.max(1, (int) Math.round(h * factorH));
            int ww = Math.max(1, (int) Math.round(w * factorW));
            return new Crop(t, l, hh, ww, hflip);
        }
    }

    /** The largest centred square of an {@code height x width} source, not flipped. */
    public static Crop centre(int height, int width) {
        int side = Math.min(height, width);
        return new Crop((height - side) / 2, (width - side) / 2, side, side, false);
    }

    /** A random resized crop of an {@code height x width} source and a coin-flip mirror. */
    public static Crop randomResized(int height, int width, double minScale, SplittableRandom rng) {
        if (!(minScale > 0 && minScale <= 1)) {
            throw new IllegalArgumentException("min crop scale must be in (0, 1], got " + minScale);
        }
        double area = (double) height * width;
        double logLo = Math.log(3.0 / 4.0);
        double logHi = Math.log(4.0 / 3.0);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + rng.nextDouble() * (1 - minScale));
            double aspect = Math.exp(logLo + rng.nextDouble() * (logHi - logLo));
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Crop(top, left, h, w, rng.nextBoolean());
            }
        }
        double ratio = (double) width / height;
        int w;
        int h;
        if (ratio < 3.0 / 4.0) {
            w = width;
            h = (int) Math.round(w / (3.0 / 4.0));
        } else if (ratio > 4.0 / 3.0) {
            h = height;
            w = (int) Math.round(h * (4.0 / 3.0));
        } else {
            w = width;
            h = height;
        }
        return new Crop((height - h) / 2, (width - w) / 2, h, w, rng.nextBoolean());
    }

    /**
     * Cuts {@code crop} out of {@code r} (clamped to it), resizes it to {@code outH x outW} and mirrors it if asked.
     *
     * @param values decide the interpolation (nearest for class ids) and what a mirrored value is (normals negate x)
     * @throws IllegalArgumentException if the crop lies outside the raster
     */
    public static Raster apply(Raster r, Crop crop, int outH, int outW, ImageValues values) {
        if (crop.top() >= r.height() || crop.left() >= r.width()) {
            throw new IllegalArgumentException("crop (top " + crop.top() + ", left " + crop.left() + ") lies outside a "
                    + r.height() + " x " + r.width() + " map");
        }
        int h = Math.min(crop.h(), r.height() - crop.top());
        int w = Math.min(crop.w(), r.width() - crop.left());
        boolean nearest = values.nearestResample();
        int c = r.channels();
        float[] src = r.data();
        float[] out = new float[c * outH * outW];
        double sy = (double) h / outH;
        double sx = (double) w / outW;
        for (int ch = 0; ch < c; ch++) {
            int base = ch * r.height() * r.width();
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    int ox = crop.hflip() ? outW - 1 - x : x;
                    float v;
                    if (nearest) {
                        int iy = Math.min(h - 1, (int) Math.floor(y * sy));
                        int ix = Math.min(w - 1, (int) Math.floor(x * sx));
                        v = src[base + (crop.top() + iy) * r.width() + crop.left() + ix];
                    } else {
                        double fy = Math.max(0, (y + 0.5) * sy - 0.5);
                        double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                        int y0 = Math.min(h - 1, (int) fy);
                        int x0 = Math.min(w - 1, (int) fx);
                        int y1 = Math.min(h - 1, y0 + 1);
                        int x1 = Math.min(w - 1, x0 + 1);
                        double ty = fy - y0;
                        double tx = fx - x0;
                        int row0 = base + (crop.top() + y0) * r.width() + crop.left();
                        int row1 = base + (crop.top() + y1) * r.width() + crop.left();
                        double top = src[row0 + x0] * (1 - tx) + src[row0 + x1] * tx;
                        double bottom = src[row1 + x0] * (1 - tx) + src[row1 + x1] * tx;
                        v = (float) (top * (1 - ty) + bottom * ty);
                    }
                    if (crop.hflip()) {
                        v = values.mirrored(ch, v);
                    }
                    out[(ch * outH + y) * outW + ox] = v;
                }
            }
        }
        return new Raster(c, outH, outW, out);
    }
}
