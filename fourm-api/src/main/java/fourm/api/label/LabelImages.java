package fourm.api.label;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The image side of labelling, provided by an implementation module: decoding photos and drawing labels over them
 * for a person to look at (boxes with class names, keypoints with skeleton lines, tinted masks).
 */
public interface LabelImages {

    /**
     * Decodes a photo (PNG, JPEG, BMP, GIF) into RGB; grey and palette images are expanded, alpha is dropped.
     *
     * @throws IOException naming the file if it cannot be read or is not an image
     */
    Rgb8Image read(Path photo) throws IOException;

    /** Draws a label over a photo and returns the result as PNG bytes, at the photo's size. */
    byte[] overlayPng(Rgb8Image photo, LabelResult label);

    /**
     * The first implementation found on the module path or the class path, if any.
     *
     * @throws IllegalStateException if an implementation cannot be instantiated
     */
    static Optional<LabelImages> installed() {
        try {
            return ServiceLoader.load(LabelImages.class, LabelImages.class.getClassLoader()).findFirst();
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("an image implementation could not be loaded: " + e.getMessage(), e);
        }
    }
}
