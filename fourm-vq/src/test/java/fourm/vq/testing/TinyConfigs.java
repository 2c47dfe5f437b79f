package fourm.vq.testing;

import com.typesafe.config.ConfigFactory;
import fourm.vq.VqConfig;

/** Tokenizer architectures small enough to train in seconds in a test. */
public final class TinyConfigs {
    private TinyConfigs() {
    }

    /** A ViT VQ-VAE for {@code family} on {@code side x side} inputs. */
    public static VqConfig vit(String family, int side, int channels, int patch, String extra) {
        return VqConfig.fromConfig(family, ConfigFactory.parseString(
                "family = " + family + ", image-size = " + side + ", channels = " + channels + ", patch-size = "
                        + patch + ", post-mlp = true, "
                        + "encoder { type = vit, dim = 32, depth = 1, heads = 2 }, "
                        + "decoder { type = vit, dim = 32, depth = 1, heads = 2 }, "
                        + "quantizer { type = lucid, codebook-size = 32, latent-dim = 8 }, " + extra));
    }

    public static VqConfig rgb() {
        return vit("rgb", 32, 3, 8, "");
    }

    public static VqConfig semseg() {
        return vit("semseg", 32, 8, 8, "num-classes = " + TestScenes.CLASSES);
    }

    public static VqConfig global(int channels) {
        return VqConfig.fromConfig("global", ConfigFactory.parseString(
                "family = global-embedding, image-size = 1, channels = " + channels + ", patch-size = 1, "
                        + "encoder { type = bottleneck-mlp, dim = 64, depth = 1 }, "
                        + "decoder { type = bottleneck-mlp, dim = 64, depth = 1 }, "
                        + "quantizer { type = memcodes, codebook-size = 64, latent-dim = 32, heads = 4 }"));
    }
}
