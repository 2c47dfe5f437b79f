package fourm.tfjs.label;

import fourm.api.label.ImageInput;
import fourm.api.label.Rgb8Image;

/**
 * Resizes photos into a model's square input, as floats (RGB, 0..255, rows then columns then channels).
 *
 * <p>Two placements: {@link #letterbox} scales the photo to fit the square, keeping its aspect ratio, at the top-left
 * corner, and fills the rest with black (detectors and pose models, where shapes must not be distorted);
 * {@link #stretch} scales each side to the square (segmentation and feature maps, which must cover the whole photo).
 * Shrinking averages the source pixels under each target pixel (area interpolation, no aliasing on large photos);
 * enlarging interpolates bilinearly. The resizing itself is fourm-api's {@link ImageInput}, which the labelers of other
 * engines use too; this class adds where a letterboxed photo lies in the square.
 */
final class Resampler {
    private Resampler() {
    }

    /**
     * Where a photo lies in a letterboxed square: its content spans {@code [0, contentWidth) x [0, contentHeight)}
     * of the square, in square pixels.
     *
     * @param side          the square's side in pixels
     * @param scale         square pixels per photo pixel
     * @param contentWidth  the photo's width in square pixels ({@code width * scale})
     * @param contentHeight the photo's height in square pixels
     */
    record Placement(int side, double scale, double contentWidth, double contentHeight) {
        /** Maps a square x in pixels to the photo's normalised x, clamped to [0, 1]. */
        float toPhotoX(double squareX) {
            return clamp01(squareX / contentWidth);
        }

        /** Maps a square y in pixels to the photo's normalised y, clamped to [0, 1]. */
        float toPhotoY(double squareY) {
            return clamp01(squareY / contentHeight);
        }
    }

    static float clamp01(double v) {
        return (float) Math.max(0, Math.min(1, v));
    }

    /** The placement {@link #letterbox} uses for a photo of the given size. */
    static Placement placement(int width, int height, int side) {
        double scale = (double) side / Math.max(width, height);
        return new Placement(side, scale, width * scale, height * scale);
    }

    /**
     * The photo scaled to fit a {@code side x side} square at its top-left corner, the rest black, with the scale
     * of {@link #placement}.
     */
    static float[] letterbox(Rgb8Image image, int side) {
        return ImageInput.letterbox(image, side);
    }

    /** The photo scaled to {@code width x height}, aspect ratio not kept. */
    static float[] stretch(Rgb8Image image, int width, int height) {
        return ImageInput.stretch(image, width, height);
    }
}
