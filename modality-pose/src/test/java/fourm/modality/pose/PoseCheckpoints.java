package fourm.modality.pose;

import com.typesafe.config.ConfigFactory;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Tiny untrained pose tokenizers (the reference's architecture, shrunk) and seeded people with body poses. */
final class PoseCheckpoints {
    private PoseCheckpoints() {
    }

    /** A BottleneckMLP + Memcodes pose tokenizer: 207 values, 8 heads of width 4, 64 codes, width 16. */
    static VqConfig config(int channels, int heads) {
        return VqConfig.fromConfig("pose", ConfigFactory.parseString("family = global-embedding, image-size = 1, "
                + "channels = " + channels + ", patch-size = 1, loss = smooth-l1, "
                + "encoder { type = bottleneck-mlp, dim = 16, depth = 1 }, "
                + "decoder { type = bottleneck-mlp, dim = 16, depth = 1 }, "
                + "quantizer { type = memcodes, codebook-size = 64, latent-dim = " + 4 * heads + ", heads = " + heads
                + " }"));
    }

    /** Writes a tokenizer of {@link #config} with seed 7 to {@code file}. */
    static Path write(Path file, int channels, int heads) throws IOException {
        try (VqModel m = VqModel.create(config(channels, heads), 7)) {
            VqCheckpoints.save(m, file, Map.of());
        }
        return file;
    }

    /** People whose scalar fields sit on the text's bins (so they survive the text exactly), random body poses. */
    static SmplHumans people(SplittableRandom r, int count) {
        List<Human> binned = SerializerSamples.expected(SerializerSamples.raw(r)).humans();
        List<SmplHuman> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            Human h = binned.isEmpty() || i >= binned.size() ? SerializerSamples.expected(new HumanPoses(List.of(
                    new Human(0.25, 0.5, 0.75, 1.0, List.of(1, 2, 3, 4, 5, 6, 7, 8),
                            List.of(1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0), List.of(0.5, 0.1, 10.0),
                            List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9))))).humans().get(0)
                    : binned.get(i);
            out.add(SmplHuman.of(h, r.doubles(SmplHuman.BODY_POSE, -1, 1).boxed().toList()));
        }
        return new SmplHumans(out);
    }
}
