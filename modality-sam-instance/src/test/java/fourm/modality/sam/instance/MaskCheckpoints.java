package fourm.modality.sam.instance;

import com.typesafe.config.ConfigFactory;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Tiny untrained mask tokenizers (the reference's SAM-instance architecture, shrunk) and seeded masked instances. */
final class MaskCheckpoints {
    private MaskCheckpoints() {
    }

    /** A ViT VQ-VAE with the out_conv head on {@code side} x {@code side} masks, patch {@code patch}, 64 codes. */
    static VqConfig config(int side, int patch) {
        return config("binary-mask", side, patch);
    }

    /** The same architecture for other values of one channel. */
    static VqConfig config(String family, int side, int patch) {
        return VqConfig.fromConfig("sam-mask", ConfigFactory.parseString("family = " + family + ", image-size = " + side
                + ", channels = 1, patch-size = " + patch + ", out-conv = true, "
                + "encoder { type = vit, dim = 16, depth = 1, heads = 2 }, "
                + "decoder { type = vit, dim = 16, depth = 1, heads = 2 }, "
                + "quantizer { type = lucid, codebook-size = 64, latent-dim = 8 }"));
    }

    /** Writes a tokenizer of {@link #config} with seed 5 to {@code file}. */
    static Path write(Path file, int side, int patch) throws IOException {
        return write(file, config(side, patch));
    }

    /** Writes a tokenizer of {@code c} with seed 5 to {@code file}. */
    static Path write(Path file, VqConfig c) throws IOException {
        try (VqModel m = VqModel.create(c, 5)) {
            VqCheckpoints.save(m, file, Map.of());
        }
        return file;
    }

    /** An ellipse of random centre and radii on a {@code size} x {@code size} grid. */
    static BinaryMask ellipse(SplittableRandom r, int size) {
        double cy = r.nextDouble(0.2, 0.8) * size;
        double cx = r.nextDouble(0.2, 0.8) * size;
        double ry = r.nextDouble(0.1, 0.5) * size;
        double rx = r.nextDouble(0.1, 0.5) * size;
        boolean[] bits = new boolean[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dy = (y + 0.5 - cy) / ry;
                double dx = (x + 0.5 - cx) / rx;
                bits[y * size + x] = dy * dy + dx * dx <= 1;
            }
        }
        return BinaryMask.of(size, bits);
    }

    /** Query points with 0 to 2 instances each, every instance with an elliptic mask. */
    static SamMasks masks(SplittableRandom r, int points, int size) {
        List<MaskedQueryPoint> out = new ArrayList<>();
        for (int p = 0; p < points; p++) {
            List<MaskedInstance> instances = new ArrayList<>();
            for (int i = 0, k = p == 0 ? 2 : r.nextInt(0, 3); i < k; i++) {
                int x0 = r.nextInt(224);
                int y0 = r.nextInt(224);
                instances.add(new MaskedInstance(x0, y0, r.nextInt(x0, 224), r.nextInt(y0, 224), ellipse(r, size)));
            }
            out.add(new MaskedQueryPoint(r.nextInt(224), r.nextInt(224), instances));
        }
        return new SamMasks(out);
    }
}
