package fourm.core.data;

import fourm.core.io.Npy;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One modality's file of a sample, as written into a shard: an extension ({@code npy}, {@code txt}, {@code json}) and
 * its bytes. The member name is {@code <key>.<extension>}.
 *
 * @param extension the extension without the leading dot
 * @param bytes     the file content
 */
public record SampleFile(String extension, byte[] bytes) {

    /** Checks the extension is a non-empty run of letters, digits and dots. */
    public SampleFile {
        Objects.requireNonNull(bytes, "bytes");
        if (extension == null || !extension.matches("[A-Za-z0-9]+(\\.[A-Za-z0-9]+)*")) {
            throw new IllegalArgumentException("extension must be letters and digits (e.g. npy, json.gz), got '"
                    + extension + "'");
        }
    }

    /** Image-like tokens: an int16 {@code .npy} of shape (n_crops, n_tokens). */
    public static SampleFile tokens(int[][] crops) {
        if (crops.length == 0) {
            throw new IllegalArgumentException("at least one crop is required");
        }
        int n = crops[0].length;
        int[] flat = new int[crops.length * n];
        for (int c = 0; c < crops.length; c++) {
            if (crops[c].length != n) {
                throw new IllegalArgumentException("crop " + c + " has " + crops[c].length + " tokens, crop 0 has " + n);
            }
            System.arraycopy(crops[c], 0, flat, c * n, n);
        }
        return new SampleFile("npy", Npy.writeInt16(new int[] {crops.length, n}, flat));
    }

    /** A sequence as UTF-8 text. */
    public static SampleFile text(String text) {
        return new SampleFile("txt", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A sequence or structured value as JSON text (not validated here; the reader checks it parses). */
    public static SampleFile json(String json) {
        return new SampleFile("json", json.getBytes(StandardCharsets.UTF_8));
    }
}
