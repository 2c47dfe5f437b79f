package fourm.api;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 15-bit modality id the reference derives from a modality key: {@code int(sha256(key).hexdigest(), 16) % 2**15}.
 * These ids route decoder outputs to per-modality heads ({@code mod_mask} tensors); -1 marks padding.
 */
public final class ModalityIds {
    /** The id of padding positions in modality masks. */
    public static final int PADDING = -1;

    private ModalityIds() {
    }

    /** Returns the id of {@code key}, for example 32652 for {@code caption}. */
    public static int of(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, digest).mod(BigInteger.valueOf(1 << 15)).intValue();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
