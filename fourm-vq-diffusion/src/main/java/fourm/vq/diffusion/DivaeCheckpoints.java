package fourm.vq.diffusion;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.CheckpointException;
import fourm.vq.ImageValues;
import fourm.vq.ReferenceKwargs;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DiVAE checkpoints: what {@link DivaeModel} loads and how a tokenizer checkpoint is recognised as one (a checkpoint
 * with a diffusion decoder). Three forms:
 * <ul>
 *   <li>fourm's own: one safetensors file with {@code format = fourm-divae}, the encoder side's architecture under
 *       {@link VqCheckpoints#CONFIG_KEY} and the decoder and scheduler under {@value #DIVAE_KEY} (the reference's
 *       constructor arguments, see below);</li>
 *   <li>the reference's layout: a directory with {@code config.json} (the {@code DiVAE} constructor's keyword
 *       arguments, as the reference's released tokenizers hold them) and {@code model.safetensors} (its state dict;
 *       {@code pytorch_model.bin} or {@code model.pth} are read too);</li>
 *   <li>the flat form of fourm's golden files: {@code NAME.safetensors} beside {@code NAME.json}, whose
 *       {@code reference_class} is the reference's {@code DiVAE} and whose {@code constructor_kwargs} are the
 *       arguments.</li>
 * </ul>
 *
 * <p>The arguments read: {@code image_size}, {@code image_size_dec}, {@code n_channels}, {@code enc_type}
 * ({@code vit_s_enc}, {@code vit_b_enc}, {@code vit_l_enc}; another name needs a {@code vit_tiny} node with
 * {@code dim_tokens}, {@code depth}, {@code num_heads}, {@code mlp_ratio}), {@code dec_type} ({@code unet_patched};
 * another name needs a {@code unet_tiny} node with {@code patch_size}, {@code model_channels}, {@code num_res_blocks},
 * {@code attention_resolutions}, {@code channel_mult}), {@code patch_size}, {@code post_mlp}, {@code quant_type}
 * ({@code lucid}), {@code codebook_size}, {@code latent_dim}, and the scheduler's {@code scheduler},
 * {@code num_train_timesteps}, {@code beta_schedule}, {@code prediction_type}, {@code clip_sample},
 * {@code thresholding}, {@code zero_terminal_snr}, each with the reference class's default when absent. The files
 * and arguments are read by fourm-vq's {@link ReferenceKwargs}, the reader of every reference tokenizer's
 * {@code config.json}: every problem is reported at once, naming the file, the key and what was expected.
 */
public final class DivaeCheckpoints {
    /** The {@code format} of fourm's own DiVAE checkpoints. */
    public static final String FORMAT = "fourm-divae";
    /** Metadata key of the decoder and scheduler arguments (JSON) in fourm's own format. */
    public static final String DIVAE_KEY = "fourm_divae";
    /** Tokenizer type reported for a DiVAE. */
    public static final String TYPE = "divae";

    private static final String REFERENCE_CLASS = "DiVAE";

    private DivaeCheckpoints() {
    }

    /**
     * What a DiVAE checkpoint holds.
     *
     * @param weights   the state-dict file
     * @param encoder   the encoder side
     * @param unet      the diffusion decoder
     * @param scheduler the sampler the checkpoint was made with
     */
    public record Description(Path weights, VqConfig encoder, UNetConfig unet, SchedulerConfig scheduler) {
    }

    /** True when {@code path} is a DiVAE checkpoint in one of the three forms (nothing is loaded). */
    public static boolean isDivae(Path path) {
        try {
            if (Files.isDirectory(path)) {
                return ReferenceKwargs.isTokenizerDirectory(path)
                        && isDivaeKwargs(ReferenceKwargs.readObject(path.resolve(ReferenceKwargs.CONFIG_FILE)));
            }
            Optional<Path> sidecar = sidecar(path);
            if (sidecar.isPresent()) {
                JsonObject o = ReferenceKwargs.readObject(sidecar.get());
                return o.has("reference_class") && o.get("reference_class").getAsString().endsWith(REFERENCE_CLASS);
            }
            if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".safetensors")) {
                try (SafetensorsReader r = SafetensorsReader.open(path)) {
                    return FORMAT.equals(r.metadata().get(VqCheckpoints.FORMAT_KEY));
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isDivaeKwargs(JsonObject o) {
        return o.has("dec_type") && o.get("dec_type").getAsString().startsWith("unet");
    }

    /** {@code NAME.json} beside {@code NAME.safetensors}, if there is one. */
    private static Optional<Path> sidecar(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".safetensors") || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Path json = file.resolveSibling(name.substring(0, name.length() - ".safetensors".length()) + ".json");
        return Files.isRegularFile(json) ? Optional.of(json) : Optional.empty();
    }

    /**
     * Reads what a DiVAE checkpoint describes; {@code values} are what the images are (the reference's files do not
     * say; fourm's own record it and must agree).
     *
     * @throws java.nio.file.NoSuchFileException a directory without config.json or weights
     * @throws IllegalArgumentException           naming the file and every missing or invalid argument (read by
     *                                            fourm-vq's {@link ReferenceKwargs}, as every reference tokenizer's)
     * @throws CheckpointException                a file that is none of the three forms, or of other values
     */
    public static Description describe(Path path, ImageValues values) throws IOException {
        if (Files.isDirectory(path)) {
            ReferenceKwargs kwargs = ReferenceKwargs.readDirectory(path);
            return fromKwargs(kwargs, kwargs, ReferenceKwargs.weightsIn(path), values);
        }
        Optional<Path> sidecar = sidecar(path);
        if (sidecar.isPresent()) {
            ReferenceKwargs outer = ReferenceKwargs.read(sidecar.get());
            Optional<ReferenceKwargs> kwargs = outer.node("constructor_kwargs", true, "the DiVAE constructor's"
                    + " arguments");
            outer.check();
            return fromKwargs(kwargs.orElseThrow(), outer, path, values);
        }
        try (SafetensorsReader r = SafetensorsReader.open(path)) {
            Map<String, String> meta = r.metadata();
            if (!FORMAT.equals(meta.get(VqCheckpoints.FORMAT_KEY)) || !meta.containsKey(DIVAE_KEY)) {
                throw new CheckpointException(path, List.of("not a DiVAE checkpoint: expected format = " + FORMAT
                        + " and a '" + DIVAE_KEY + "' metadata entry, a directory with config.json, or NAME.json beside"
                        + " it"));
            }
            VqConfig encoder = VqCheckpoints.readConfig(path);
            if (!encoder.values().name().equals(values.name())) {
                throw new CheckpointException(path, List.of("was trained on " + encoder.values().name()
                        + " values; expected " + values.name()));
            }
            JsonObject o;
            try {
                o = JsonParser.parseString(meta.get(DIVAE_KEY)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new CheckpointException(path, List.of("metadata '" + DIVAE_KEY + "' is not a JSON object: "
                        + e.getMessage()));
            }
            ReferenceKwargs kwargs = ReferenceKwargs.of(path, o, DIVAE_KEY + ".");
            Args a = new Args(kwargs, kwargs);
            UNetConfig unet = a.unet(kwargs.integer("image_size_dec", encoder.imageSize()), encoder.channels(),
                    encoder.quantizer().latentDim());
            SchedulerConfig scheduler = a.scheduler();
            kwargs.check();
            return new Description(path, encoder, unet, scheduler);
        }
    }

    /** Loads a DiVAE checkpoint; {@code scheduler} replaces the checkpoint's own sampler when present. */
    public static DivaeModel load(Path path, ImageValues values, Optional<SchedulerConfig> scheduler)
            throws IOException {
        Description d = describe(path, values);
        return DivaeModel.load(d.weights(), d.encoder(), d.unet(), scheduler.orElse(d.scheduler()));
    }

    /**
     * Saves a DiVAE in fourm's own format, atomically; {@code metadata} is added (training step, seed, ...).
     */
    public static void save(DivaeModel model, Path file, Map<String, String> metadata) throws IOException {
        if (metadata.containsKey(DIVAE_KEY)) {
            throw new IllegalArgumentException("metadata key '" + DIVAE_KEY + "' is written by fourm itself");
        }
        Map<String, String> meta = new java.util.LinkedHashMap<>(metadata);
        meta.put(DIVAE_KEY, kwargs(model.unet().config(), model.decoder().scheduler().config()).toString());
        VqCheckpoints.saveEncoderAnd(model.encoder(), model.unet().weights(), file, FORMAT, meta);
    }

    /** The decoder and scheduler in the reference's argument names (what {@value #DIVAE_KEY} holds). */
    static JsonObject kwargs(UNetConfig u, SchedulerConfig s) {
        JsonObject o = new JsonObject();
        o.addProperty("dec_type", "unet_custom");
        o.addProperty("image_size_dec", u.imageSize());
        JsonObject t = new JsonObject();
        t.addProperty("patch_size", u.patchSize());
        t.addProperty("model_channels", u.modelChannels());
        t.addProperty("num_res_blocks", u.numResBlocks());
        t.add("attention_resolutions", new com.google.gson.Gson().toJsonTree(u.attentionResolutions()));
        t.add("channel_mult", new com.google.gson.Gson().toJsonTree(u.channelMult()));
        t.addProperty("num_heads", u.numHeads());
        t.addProperty("num_head_channels", u.numHeadChannels());
        o.add("unet_tiny", t);
        // PNDM is a sampler, not a training scheduler: a decoder switched to it is saved as the DDIM the reference's
        // DiVAE builds for any name but 'ddpm' (and which this class reads back), with the same betas and prediction
        o.addProperty("scheduler", s.kind() == SchedulerConfig.Kind.PNDM
                ? "ddim" : s.kind().name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("num_train_timesteps", s.trainSteps());
        o.addProperty("beta_schedule", s.betaSchedule().name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("prediction_type", switch (s.prediction()) {
            case SAMPLE -> "sample";
            case EPSILON -> "epsilon";
            case V_PREDICTION -> "v_prediction";
        });
        o.addProperty("clip_sample", s.clipSample());
        o.addProperty("thresholding", s.thresholding());
        o.addProperty("zero_terminal_snr", s.zeroTerminalSnr());
        return o;
    }

    private static Description fromKwargs(ReferenceKwargs kwargs, ReferenceKwargs outer, Path weights,
                                          ImageValues values) {
        Args a = new Args(kwargs, outer);
        String quant = kwargs.string("quant_type", "lucid");
        if (!quant.equals("lucid")) {
            kwargs.bad("quant_type", "'" + quant + "': a DiVAE tokenizer here has the lucid (cosine) codebook");
        }
        Integer image = kwargs.integer("image_size", true);
        Integer channels = kwargs.integer("n_channels", true);
        Integer latent = kwargs.integer("latent_dim", true);
        Integer codebook = kwargs.integer("codebook_size", true);
        Integer patch = kwargs.integer("patch_size", true);
        boolean postMlp = kwargs.bool("post_mlp", false);
        VqConfig.Network enc = a.vit(kwargs.string("enc_type", "vit_b_enc"));
        Integer decSide = kwargs.has("image_size_dec") ? kwargs.integer("image_size_dec", true) : image;
        UNetConfig unet = a.unet(decSide, channels, latent);
        SchedulerConfig scheduler = a.scheduler();
        kwargs.check();
        VqConfig encoder;
        try {
            VqConfig.QuantizerSpec q = new VqConfig.QuantizerSpec(VqConfig.QuantizerType.LUCID, codebook, latent, 1,
                    0.99, 1.0, 1.0);
            encoder = new VqConfig(kwargs.file().getFileName().toString(), values, image, channels, 0,
                    values.defaultIgnoreId(), patch, postMlp, enc, enc, q, values.defaultLoss());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(kwargs.file() + ": the tokenizer config does not fit: "
                    + e.getMessage(), e);
        }
        return new Description(weights, encoder, unet, scheduler);
    }

    /**
     * The DiVAE's own arguments ({@code enc_type}'s sizes, the UNet, the sampler), read with the reference's defaults;
     * every problem is recorded in the readers ({@link ReferenceKwargs}).
     *
     * @param kwargs the constructor's arguments
     * @param outer  where the {@code vit_tiny} and {@code unet_tiny} nodes of non-preset sizes are
     */
    private record Args(ReferenceKwargs kwargs, ReferenceKwargs outer) {
        VqConfig.Network vit(String type) {
            return switch (type) {
                case "vit_s_enc" -> new VqConfig.Network(VqConfig.Arch.VIT, 512, 8, 8, 4);
                case "vit_b_enc" -> new VqConfig.Network(VqConfig.Arch.VIT, 768, 12, 12, 4);
                case "vit_l_enc" -> new VqConfig.Network(VqConfig.Arch.VIT, 1024, 24, 16, 4);
                default -> {
                    Optional<ReferenceKwargs> t = outer.node("vit_tiny", true, "enc_type '" + type + "' is not a"
                            + " reference preset (vit_s_enc, vit_b_enc, vit_l_enc); a 'vit_tiny' node gives its sizes");
                    if (t.isEmpty()) {
                        yield null;
                    }
                    ReferenceKwargs v = t.get();
                    Integer dim = v.integer("dim_tokens", true);
                    Integer depth = v.integer("depth", true);
                    Integer heads = v.integer("num_heads", true);
                    int ratio = v.integer("mlp_ratio", 4);
                    yield dim == null || depth == null || heads == null ? null
                            : new VqConfig.Network(VqConfig.Arch.VIT, dim, depth, heads, ratio);
                }
            };
        }

        /** The UNet; null (with the problems recorded) when it or the sizes it needs ({@code null} here) are bad. */
        UNetConfig unet(Integer side, Integer channels, Integer latent) {
            String type = kwargs.string("dec_type", "unet_patched");
            boolean sized = side != null && channels != null && latent != null;
            if (type.equals("unet_patched")) {
                return sized ? UNetConfig.unetPatched(side, channels, latent) : null;
            }
            Optional<ReferenceKwargs> t = outer.node("unet_tiny", true, "dec_type '" + type + "' is not a reference"
                    + " preset (unet_patched); a 'unet_tiny' node gives its sizes");
            if (t.isEmpty()) {
                return null;
            }
            ReferenceKwargs u = t.get();
            Integer patch = u.integer("patch_size", true);
            Integer width = u.integer("model_channels", true);
            Integer blocks = u.integer("num_res_blocks", true);
            List<Integer> attention = u.ints("attention_resolutions");
            List<Integer> mult = u.ints("channel_mult");
            int heads = u.integer("num_heads", 1);
            int headChannels = u.integer("num_head_channels", -1);
            if (!sized || patch == null || width == null || blocks == null || mult.isEmpty()) {
                return null;
            }
            try {
                return new UNetConfig(side, channels, channels, latent, patch, width, blocks, attention, mult, heads,
                        headChannels);
            } catch (IllegalArgumentException e) {
                kwargs.problem(e.getMessage());
                return null;
            }
        }

        /** The sampler with the DiVAE class's defaults. */
        SchedulerConfig scheduler() {
            SchedulerConfig d = SchedulerConfig.classDefaults();
            SchedulerConfig.Kind kind = parse("scheduler", "ddpm", SchedulerConfig.Kind::parse);
            SchedulerConfig.BetaSchedule betas = parse("beta_schedule", "squaredcos_cap_v2",
                    SchedulerConfig.BetaSchedule::parse);
            SchedulerConfig.Prediction prediction = parse("prediction_type", "v_prediction",
                    SchedulerConfig.Prediction::parse);
            int trainSteps = kwargs.integer("num_train_timesteps", d.trainSteps());
            boolean clip = kwargs.bool("clip_sample", false);
            boolean thresholding = kwargs.bool("thresholding", true);
            boolean zeroSnr = kwargs.bool("zero_terminal_snr", true);
            if (kind == SchedulerConfig.Kind.PNDM) {
                // the reference's DiVAE builds its DDPM scheduler for 'ddpm' and DDIM for any other name
                kwargs.bad("scheduler", "'pndm' is not a DiVAE training scheduler (the reference's DiVAE would build"
                        + " DDIM); write ddpm or ddim, and sample with PNDM through tokenizer.scheduler = pndm");
                return null;
            }
            if (kind == null || betas == null || prediction == null) {
                return null;
            }
            try {
                return new SchedulerConfig(kind, trainSteps, betas, d.betaStart(), d.betaEnd(), prediction, clip,
                        thresholding, zeroSnr, d.spacing(), d.eta());
            } catch (IllegalArgumentException e) {
                kwargs.problem(e.getMessage());
                return null;
            }
        }

        private <T> T parse(String key, String fallback, java.util.function.Function<String, T> parser) {
            String s = kwargs.string(key, fallback);
            try {
                return parser.apply(s);
            } catch (IllegalArgumentException e) {
                kwargs.bad(key, e.getMessage());
                return null;
            }
        }
    }
}
