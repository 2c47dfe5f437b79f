package fourm.cli;

import com.typesafe.config.Config;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.core.ModalityRegistry;
import fourm.core.data.DataConfig;
import fourm.core.io.OutputLock;
import fourm.vq.ImageTokenizer;
import fourm.vq.ReferencePresets;
import fourm.vq.ReferenceTokenizer;
import fourm.vq.VqConfig;
import fourm.vq.modality.ImageTokenModality;
import fourm.vq.pretokenize.ImagePretokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm pretokenize --tokenizer CKPT --modality KEY --images DIR --out DATASET}: tokenizes a folder of images or
 * maps into the pre-tokenized dataset format with fourm-vq's {@link ImagePretokenizer}, making the crop settings once
 * per sample (or reusing the dataset's) so that every modality of a sample gets the same crops.
 */
@Command(name = "pretokenize", description = {
    "Tokenize a folder of images or maps with an image tokenizer into dataset shards.",
    "Reads <key>.png / <key>.npy and writes DATASET/KEY/shard-*.tar (int16 .npy of shape (crops, "
        + "tokens) per sample). Crop settings are made once per sample and stored in DATASET/crop_settings; "
        + "later runs for other modalities of the same samples reuse them."
})
final class PretokenizeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", paramLabel = "CKPT", required = true,
            description = "A tokenizer checkpoint (fourm tokenizer-train writes OUTPUT/tokenizer.safetensors), or a"
                    + " tokenizer directory in the reference's layout (config.json + model.safetensors) for a"
                    + " --modality whose plugin owns a fourm-vq tokenizer (the plugin gives its values).")
    Path tokenizer;

    @Option(names = "--modality", paramLabel = "KEY", required = true,
            description = "The modality folder to write, e.g. tok_rgb@64; when a plugin provides this key with a"
                    + " fourm-vq tokenizer, the checkpoint must be trained on that plugin's values.")
    String modality;

    @Option(names = "--images", paramLabel = "DIR", required = true, description = "The images or maps.")
    Path images;

    @Option(names = "--out", paramLabel = "DATASET", required = true, description = "The dataset root.")
    Path out;

    @Option(names = "--crops", paramLabel = "N", defaultValue = "1",
            description = "Crops per sample when the crop settings are made here: crop 0 is the centre crop, the"
                    + " others random resized crops (default: ${DEFAULT-VALUE}).")
    int crops;

    @Option(names = "--min-crop-scale", paramLabel = "S", defaultValue = "0.8",
            description = "Smallest area fraction of a random crop (default: ${DEFAULT-VALUE}).")
    double minCropScale;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the random crops.")
    long seed;

    @Option(names = "--samples-per-shard", paramLabel = "N",
            description = "Samples per shard (default: fourm.data.samples-per-shard).")
    Integer samplesPerShard;

    @Option(names = "--rebuild", description = "Write a modality folder that has no manifest.json again, even when"
            + " its shards already hold this run's complete output (by default such a folder, written before"
            + " manifests existed, is verified and adopted).")
    boolean rebuild;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() {
        Config config = Startup.loadConfig(main.config);
        int perShard = samplesPerShard != null ? samplesPerShard : DataConfig.fromConfig(config).samplesPerShard();
        ImagePretokenizer.Summary s;
        try (OutputLock lock = OutputLocks.acquire(out, "fourm pretokenize", spec.commandLine().getErr());
             ImageTokenizer t = load(config)) {
            checkPlugin(config, t);
            if (OutputLocks.adoptOrClear(out, List.of(modality, ImagePretokenizer.CROP_SETTINGS),
                    ImagePretokenizer.sampleKeys(images), perShard, rebuild, spec.commandLine().getErr())) {
                spec.commandLine().getOut().println("adopted " + out.resolve(modality) + " and its crop settings;"
                        + " nothing to write");
                spec.commandLine().getOut().flush();
                return Main.OK;
            }
            s = ImagePretokenizer.run(t.withBatchSize(batchSize), new ImagePretokenizer.Options(images, out, modality,
                    crops, minCropScale, seed, perShard), line -> {
                        System.err.print("\r" + line + "   ");
                        System.err.flush();
                    });
            System.err.println();
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }

        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + s.samples() + " samples x " + s.cropsPerSample() + " crops x " + s.tokensPerCrop()
                + " tokens to " + out.resolve(modality) + " (" + s.shards().size() + " shard files"
                + (s.cropSettingsReused() ? ", crop settings reused" : ", crop settings in "
                + out.resolve(ImagePretokenizer.CROP_SETTINGS)) + ")");
        w.flush();
        return Main.OK;
    }

    /**
     * The tokenizer: a fourm-vq checkpoint, or a directory in the reference's layout read with the values of the
     * plugin that provides {@code --modality} and the presets of {@value ReferencePresets#PATH}.
     */
    private ImageTokenizer load(Config config) throws IOException {
        if (!ReferenceTokenizer.isTokenizerDirectory(tokenizer)) {
            return ImageTokenizer.load(tokenizer);
        }
        ModalityRegistry registry = ModalityRegistry.discover();
        Modality m = null;
        if (registry.find(modality).isPresent()) {
            try {
                m = registry.create(config, modality);
            } catch (RuntimeException e) {
                throw new UserError("--modality " + modality + ": " + e.getMessage(), e);
            }
        }
        if (!(m instanceof ImageTokenModality itm)) {
            throw new UserError("--tokenizer " + tokenizer + " is a tokenizer directory in the reference's layout;"
                    + " its values come from the plugin of --modality, but no plugin with a fourm-vq tokenizer"
                    + " provides '" + modality + "'");
        }
        ReferencePresets presets = ReferencePresets.builtIn();
        if (config.hasPath(ReferencePresets.PATH)) {
            presets = presets.with(ReferencePresets.fromConfig(config.getConfig(ReferencePresets.PATH)));
        }
        return ImageTokenizer.loadReference(tokenizer, itm.values(), presets);
    }

    /**
     * Checks the tokenizer against the plugin that provides the modality key, if one does: a plugin that owns a
     * fourm-vq tokenizer refuses a checkpoint trained on other values (a depth tokenizer for an RGB modality), and the
     * grid must have the plugin's token count (a 64 px tokenizer into {@code tok_rgb@224}, which holds 196 tokens a
     * crop). Keys no plugin provides are not checked.
     */
    private void checkPlugin(Config config, ImageTokenizer t) {
        ModalityRegistry registry = ModalityRegistry.discover();
        if (registry.find(modality).isEmpty()) {
            return;
        }
        Modality m;
        try {
            m = registry.create(config, modality);
        } catch (RuntimeException e) {
            return; // the plugin refuses its settings: fourm train will say so
        }
        if (m instanceof ImageTokenModality itm && !itm.values().name().equals(t.config().values().name())) {
            throw new UserError(tokenizer + ": a " + t.config().values().name() + " tokenizer cannot write "
                    + modality + ", whose plugin's values are " + itm.values().name());
        }
        ModalitySpec s = m.spec();
        VqConfig c = t.config();
        if (!s.layout().discrete() || s.layout().sequence() || c.patchSize() <= 0) {
            return;
        }
        int side = c.imageSize() / c.patchSize();
        int tokens = side * side;
        if (tokens != s.layout().length()) {
            throw new UserError("--modality " + modality + " holds " + s.layout().length() + " tokens a crop, but the"
                    + " tokenizer " + tokenizer + " makes " + tokens + " (" + c.imageSize() + " px in patches of "
                    + c.patchSize() + "); use a tokenizer of that grid, or a modality key of the tokenizer's size");
        }
    }
}
