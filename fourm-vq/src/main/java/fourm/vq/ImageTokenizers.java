package fourm.vq;

import fourm.api.ModalityTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Image tokenizers for modality keys: the bridge between fourm-vq and the modality plugins.
 *
 * <p>The modality plugins ({@code modality-rgb}, {@code modality-depth}, ...) depend on fourm-api only and keep
 * their {@code tok_*} modalities pre-tokenized: their tokenizers validate ids. fourm-vq depends on fourm-core (and so
 * on fourm-api), never the other way round; whoever holds a tokenizer checkpoint turns images into those ids with
 * {@link #forModality(String, Path)}, which gives a {@link ModalityTokenizer} of {@link Raster}s for the key, checked
 * against the checkpoint's family. {@code fourm pretokenize} does this for whole folders.
 */
public final class ImageTokenizers {
    private ImageTokenizers() {
    }

    /**
     * The family of a 4M modality key: {@code tok_rgb@224} is rgb, {@code tok_depth@224} depth, {@code tok_normal@224}
     * normal, {@code tok_semseg@224} semseg, {@code tok_canny_edge@224} and {@code tok_sam_edge@224} edge,
     * {@code tok_clip@224}, {@code tok_dinov2@224}, {@code tok_imagebind@224} feature-map, {@code tok_dinov2_global}
     * and {@code tok_imagebind_global} global-embedding. The {@code tok_} prefix and the {@code @resolution} suffix are
     * optional, so the raw names ({@code rgb}, {@code canny_edge}, {@code CLIP-B16}, ...) work too.
     *
     * @throws IllegalArgumentException for a key of no image-like family
     */
    public static ModalityFamily familyOf(String modalityKey) {
        String k = modalityKey.toLowerCase(Locale.ROOT);
        int at = k.indexOf('@');
        if (at >= 0) {
            k = k.substring(0, at);
        }
        if (k.startsWith("tok_")) {
            k = k.substring(4);
        }
        if (k.endsWith("_global") || k.endsWith("-global")) {
            return ModalityFamily.GLOBAL_EMBEDDING;
        }
        if (k.equals("rgb")) {
            return ModalityFamily.RGB;
        }
        if (k.equals("depth")) {
            return ModalityFamily.DEPTH;
        }
        if (k.equals("normal")) {
            return ModalityFamily.NORMAL;
        }
        if (k.startsWith("semseg")) {
            return ModalityFamily.SEMSEG;
        }
        if (k.endsWith("edge")) {
            return ModalityFamily.EDGE;
        }
        if (k.startsWith("clip") || k.startsWith("dinov2") || k.startsWith("imagebind")) {
            return ModalityFamily.FEATURE_MAP;
        }
        throw new IllegalArgumentException("'" + modalityKey + "' is not an image-like modality; expected a key such"
                + " as tok_rgb@224, tok_depth@224, tok_normal@224, tok_semseg@224, tok_canny_edge@224,"
                + " tok_sam_edge@224, tok_clip@224, tok_dinov2@224, tok_imagebind@224, tok_dinov2_global or"
                + " tok_imagebind_global");
    }

    /**
     * Loads a tokenizer checkpoint for a modality key.
     *
     * @throws IllegalArgumentException if the checkpoint's family is not the key's
     * @throws IOException              if the checkpoint cannot be read or does not match its architecture
     */
    public static ModalityImageTokenizer forModality(String modalityKey, Path checkpoint) throws IOException {
        ModalityFamily expected = familyOf(modalityKey);
        VqConfig c = VqCheckpoints.readConfig(checkpoint);
        if (c.family() != expected) {
            throw new IllegalArgumentException(checkpoint + ": a " + c.family().configName() + " tokenizer cannot"
                    + " serve " + modalityKey + ", which is " + expected.configName());
        }
        return new ModalityImageTokenizer(modalityKey, ImageTokenizer.load(checkpoint));
    }
}
