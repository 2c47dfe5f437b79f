package fourm.vq.modality;

import com.typesafe.config.Config;
import fourm.api.ModalityTokenizer;
import fourm.vq.ImageValues;
import fourm.vq.ModalityImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.List;

/**
 * A kind of tokenizer checkpoint whose decoder is not fourm-vq's own, found with {@link ServiceLoader}: the DiVAE's
 * diffusion decoder (module fourm.vq.diffusion) is one. {@link ImageTokenModality} asks every backend on the module
 * path whether it {@link #accepts} a plugin's checkpoint; the one that does describes it ({@link #bind}) and loads
 * the tokenizer. fourm-vq itself never names a backend, so a decoder ships as a module of its own.
 */
public interface DecoderBackend {
    /** The tokenizer type it reports ({@code fourm modalities}) and that {@code tokenizer.type} may name. */
    String type();

    /**
     * Checks the backend's own settings of a plugin's {@code tokenizer} node (whatever the checkpoint).
     *
     * @throws com.typesafe.config.ConfigException naming the key for a bad value
     */
    void validate(Config tokenizer, String configPath);

    /** True when the checkpoint (a file or a directory) is of this backend's kind. */
    boolean accepts(Path checkpoint);

    /**
     * Describes an accepted checkpoint for a modality; nothing is loaded yet.
     *
     * @throws com.typesafe.config.ConfigException naming {@code tokenizer.checkpoint} if it cannot be described
     */
    Bound bind(Config tokenizer, String configPath, String key, Path checkpoint, ImageValues values);

    /** A described checkpoint. */
    interface Bound {
        /** The architecture of the encoder side (checked against the modality like any tokenizer's). */
        VqConfig encoder();

        /** Loads the network; close the result when it is {@link AutoCloseable}. */
        ModalityTokenizer<Raster> load() throws IOException;

        /** The encoder side of a tokenizer {@link #load()} made (encodes only). */
        ModalityImageTokenizer encoderOf(ModalityTokenizer<Raster> loaded);
    }

    /** The backends on the module path (or class path), in discovery order. */
    static List<DecoderBackend> discovered() {
        return ServiceLoader.load(DecoderBackend.class, DecoderBackend.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }
}
