package fourm.vq.diffusion;

import com.typesafe.config.Config;
import fourm.api.ModalityTokenizer;
import fourm.vq.ImageValues;
import fourm.vq.ModalityImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import fourm.vq.modality.DecoderBackend;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The DiVAE as a {@link DecoderBackend}: image plugins whose {@code tokenizer.checkpoint} is a DiVAE decode through
 * the diffusion decoder ({@link DivaeModalityHook}), with the node's {@code steps}, {@code scheduler} and
 * {@code seed}. Registered in this module's descriptor.
 */
public final class DivaeBackend implements DecoderBackend {
    /** The provider (ServiceLoader). */
    public DivaeBackend() {
    }

    @Override
    public String type() {
        return DivaeModalityHook.TYPE;
    }

    @Override
    public void validate(Config tokenizer, String configPath) {
        DivaeModalityHook.settings(tokenizer, configPath);
    }

    @Override
    public boolean accepts(Path checkpoint) {
        return DivaeModalityHook.isDivae(checkpoint);
    }

    @Override
    public Bound bind(Config tokenizer, String configPath, String key, Path checkpoint, ImageValues values) {
        DivaeModalityHook hook = DivaeModalityHook.describe(tokenizer, key, checkpoint, values,
                DivaeModalityHook.settings(tokenizer, configPath));
        return new Bound() {
            @Override
            public VqConfig encoder() {
                return hook.encoder();
            }

            @Override
            public ModalityTokenizer<Raster> load() throws IOException {
                return hook.load();
            }

            @Override
            public ModalityImageTokenizer encoderOf(ModalityTokenizer<Raster> loaded) {
                return DivaeModalityHook.encoder(loaded);
            }
        };
    }
}
