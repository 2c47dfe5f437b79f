package fourm.vq.modality;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.TokenizerInfo;
import fourm.api.ValueFormat;
import fourm.api.spi.ModalityProvider;
import fourm.vq.ImageValues;
import fourm.vq.LossKind;
import fourm.vq.ModalityImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Checks an image modality plugin built on {@link ImageTokenModality} runs from its tests: without a checkpoint it
 * reports its tokenizer and refuses to encode naming the key to set; with a (tiny, untrained) checkpoint of the
 * modality's shape it encodes a raw value into ids of its vocabulary, decodes them into a value of the same shape,
 * and its format writes, reads and shows values. Each check throws an {@link AssertionError} saying what failed.
 */
public final class ImageTokenChecks {
    private ImageTokenChecks() {
    }

    /**
     * The smallest tokenizer architecture that fits a modality: its grid (or its Memcodes heads), a codebook of the
     * modality's vocabulary (so every id a model can generate decodes), networks of width 8 and depth 1. Good for
     * tests, not for use.
     *
     * @param channels   input channels (for class ids: the class-embedding width)
     * @param numClasses classes of class-id values, else 0
     */
    public static VqConfig smallestArchitecture(ModalitySpec spec, ImageValues values, int channels, int numClasses) {
        int codes = spec.vocabSize().orElseThrow();
        VqConfig.Network vit = new VqConfig.Network(VqConfig.Arch.VIT, 8, 1, 2, 2);
        VqConfig.Network mlp = new VqConfig.Network(VqConfig.Arch.BOTTLENECK_MLP, 8, 1, 0, 2);
        LossKind loss = values.defaultLoss();
        int ignore = values.defaultIgnoreId();
        if (values.global()) {
            int heads = spec.maxTokens();
            return new VqConfig(spec.key(), values, 1, channels, numClasses, ignore, 1, false, mlp, mlp,
                    new VqConfig.QuantizerSpec(VqConfig.QuantizerType.MEMCODES, codes, 2 * heads, heads, 0.99, 1, 1),
                    loss);
        }
        VqConfig.QuantizerSpec lucid = new VqConfig.QuantizerSpec(VqConfig.QuantizerType.LUCID, codes, 4, 1, 0.99,
                1, 1);
        if (!values.patches()) {
            int side = spec.gridSide().orElseThrow();
            return new VqConfig(spec.key(), values, side, channels, numClasses, ignore, 1, false, vit, vit, lucid,
                    loss);
        }
        return new VqConfig(spec.key(), values, spec.imageSize().orElseThrow(), channels, numClasses, ignore,
                spec.patchSize().orElseThrow(), false, vit, vit, lucid, loss);
    }

    /** A random valid raw value for a tokenizer: pixels in [0, 1], class ids, or normally distributed features. */
    public static Raster sample(VqConfig c, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = c.valueChannels() * c.imageSize() * c.imageSize();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            if (c.values().classLabels()) {
                v[i] = rng.nextInt(c.numClasses());
            } else if (c.values().patches()) {
                v[i] = (float) rng.nextDouble();
            } else {
                v[i] = (float) rng.nextGaussian();
            }
        }
        return new Raster(c.valueChannels(), c.imageSize(), c.imageSize(), v);
    }

    /**
     * {@code node} with {@code tokenizer.checkpoint} naming a tiny untrained tokenizer of the modality's shape
     * ({@link #smallestArchitecture}) written into {@code dir}: the node a plugin's end-to-end test creates its
     * modality from.
     */
    public static Config withTinyCheckpoint(ModalityProvider provider, Config node, int channels, int numClasses,
                                            Path dir) throws IOException {
        Modality bare = provider.create(node);
        if (!(bare instanceof ImageTokenModality im)) {
            throw new AssertionError(bare.key() + ": the modality is not an ImageTokenModality");
        }
        VqConfig arch = smallestArchitecture(bare.spec(), im.values(), channels, numClasses);
        Path file = dir.resolve("end-to-end-tokenizer.safetensors");
        try (VqModel model = VqModel.create(arch, 7)) {
            VqCheckpoints.save(model, file, Map.of());
        }
        return node.withValue("tokenizer.checkpoint", ConfigValueFactory.fromAnyRef(file.toString()));
    }

    /** A random valid raw value for modality {@code m}'s tiny tokenizer ({@link #withTinyCheckpoint}). */
    public static Raster sampleFor(Modality m, int channels, int numClasses, long seed) {
        if (!(m instanceof ImageTokenModality im)) {
            throw new AssertionError(m.key() + ": the modality is not an ImageTokenModality");
        }
        return sample(smallestArchitecture(m.spec(), im.values(), channels, numClasses), seed);
    }

    /**
     * Runs the checks.
     *
     * @param provider   the plugin's provider
     * @param node       its configuration node (no checkpoint set)
     * @param type       the tokenizer type it must report ({@code vq-vae}, {@code memcodes})
     * @param channels   see {@link #smallestArchitecture}
     * @param numClasses see {@link #smallestArchitecture}
     * @param dir        an empty directory for the checkpoint and the files
     * @throws AssertionError saying which check failed
     */
    @SuppressWarnings("unchecked")
    public static void run(ModalityProvider provider, Config node, String type, int channels, int numClasses,
                           Path dir) throws IOException {
        Modality bare = provider.create(node);
        String key = bare.key();
        expect(bare.tokenizerInfo().equals(TokenizerInfo.of(type, Optional.empty())),
                key + ": without a checkpoint the tokenizer info is " + bare.tokenizerInfo() + ", expected " + type);
        expect(bare instanceof ImageTokenModality, key + ": the modality is not an ImageTokenModality");
        ImageTokenModality im = (ImageTokenModality) bare;
        VqConfig arch = smallestArchitecture(bare.spec(), im.values(), channels, numClasses);
        ModalityTokenizer<Raster> slot = (ModalityTokenizer<Raster>) bare.tokenizer().orElseThrow();
        String expected = key + ": no tokenizer checkpoint; set " + provider.configPath() + ".tokenizer.checkpoint";
        try {
            slot.encode(sample(arch, 1));
            throw new AssertionError(key + ": encoding without a checkpoint did not fail");
        } catch (IllegalStateException e) {
            expect(e.getMessage().equals(expected), key + ": message '" + e.getMessage() + "', expected '"
                    + expected + "'");
        }

        Path file = dir.resolve("tokenizer.safetensors");
        try (VqModel model = VqModel.create(arch, 7)) {
            VqCheckpoints.save(model, file, Map.of());
        }
        try (ImageTokenModality m = (ImageTokenModality) provider.create(node.withValue("tokenizer.checkpoint",
                ConfigValueFactory.fromAnyRef(file.toString())))) {
            expect(m.tokenizerInfo().equals(TokenizerInfo.of(type, Optional.of(file.toString()))),
                    key + ": with a checkpoint the tokenizer info is " + m.tokenizerInfo());
            ModalityTokenizer<Raster> t = (ModalityTokenizer<Raster>) m.tokenizer().orElseThrow();
            Raster value = sample(arch, 2);
            int[] ids = t.encode(value);
            expect(ids.length == m.spec().maxTokens(), key + ": " + ids.length + " ids, expected "
                    + m.spec().maxTokens());
            expect(Arrays.stream(ids).allMatch(id -> id >= 0 && id < arch.vocabSize()), key + ": ids outside [0, "
                    + arch.vocabSize() + ")");
            expect(Arrays.equals(ids, t.encode(value)), key + ": encoding is not deterministic");
            Raster back = t.decode(ids);
            expect(back.channels() == value.channels() && back.height() == value.height()
                    && back.width() == value.width(), key + ": decoded " + back.shapeString() + ", expected "
                    + value.shapeString());
            expect(m.imageTokenizer() instanceof ModalityImageTokenizer, key + ": no loaded tokenizer");
            ValueFormat<Raster> f = (ValueFormat<Raster>) m.format().orElseThrow();
            Path raw = dir.resolve("value." + f.extension());
            f.write(value, raw);
            expect(f.read(raw).equals(value), key + ": the format does not read back what it wrote");
            Path shown = f.show(back, dir, "shown");
            expect(Files.size(shown) > 0 && shown.getFileName().toString().endsWith(".png"),
                    key + ": show wrote " + shown);
        }
    }

    private static void expect(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
