package fourm.vq.diffusion;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.CheckpointException;
import fourm.vq.ImageValues;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code thresholding}, {@code zero_terminal_snr}, each with the reference class's default when absent.
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
                Path config = path.resolve("config.json");
                return Files.isRegularFile(config) && isDivaeKwargs(readJson(config));
            }
            Optional<Path> sidecar = sidecar(path);
            if (sidecar.isPresent()) {
                JsonObject o = readJson(sidecar.get());
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
     * @throws CheckpointException naming the file and the key for a missing or invalid argument
     */
    public static Description describe(Path path, ImageValues values) throws IOException {
        if (Files.isDirectory(path)) {
            Path config = path.resolve("config.json");
            Path weights = weightsIn(path);
            return fromKwargs(config, readJson(config), null, weights, values);
        }
        Optional<Path> sidecar = sidecar(path);
        if (sidecar.isPresent()) {
            JsonObject o = readJson(sidecar.get());
            if (!o.has("constructor_kwargs") || !o.get("constructor_kwargs").isJsonObject()) {
                throw new CheckpointException(sidecar.get(), List.of("no 'constructor_kwargs' object"));
            }
            return fromKwargs(sidecar.get(), o.getAsJsonObject("constructor_kwargs"), o, path, values);
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
            JsonObject kwargs;
            try {
                kwargs = JsonParser.parseString(meta.get(DIVAE_KEY)).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new CheckpointException(path, List.of("metadata '" + DIVAE_KEY + "' is not a JSON object: "
                        + e.getMessage()));
            }
            Args a = new Args(path, kwargs, kwargs);
            try {
                return new Description(path, encoder, a.unet(a.integer("image_size_dec", encoder.imageSize()),
                        encoder.channels(), encoder.quantizer().latentDim()), a.scheduler());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(path, List.of(DIVAE_KEY + "." + e.getMessage()));
            }
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
        o.addProperty("scheduler", s.kind().name().toLowerCase(java.util.Locale.ROOT));
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

    private static Path weightsIn(Path dir) throws CheckpointException {
        for (String name : List.of("model.safetensors", "pytorch_model.bin", "model.pth", "model.pt")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new CheckpointException(dir, List.of("no weights: expected model.safetensors (or pytorch_model.bin,"
                + " model.pth) beside config.json"));
    }

    private static JsonObject readJson(Path file) throws IOException {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new CheckpointException(file, List.of("expected a JSON object"));
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new CheckpointException(file, List.of("not valid JSON: " + e.getMessage()));
        }
    }

    private static Description fromKwargs(Path source, JsonObject kwargs, JsonObject outer, Path weights,
                                          ImageValues values) throws CheckpointException {
        Args a = new Args(source, kwargs, outer == null ? kwargs : outer);
        try {
            String quant = a.string("quant_type", "lucid");
            if (!quant.equals("lucid")) {
                throw a.bad("quant_type", "'" + quant + "': a DiVAE tokenizer here has the lucid (cosine) codebook");
            }
            int image = a.integer("image_size", null);
            int channels = a.integer("n_channels", null);
            int latent = a.integer("latent_dim", null);
            VqConfig.Network enc = a.vit(a.string("enc_type", "vit_b_enc"));
            VqConfig.QuantizerSpec q = new VqConfig.QuantizerSpec(VqConfig.QuantizerType.LUCID,
                    a.integer("codebook_size", null), latent, 1, 0.99, 1.0, 1.0);
            VqConfig encoder = new VqConfig(source.getFileName().toString(), values, image, channels, 0,
                    values.defaultIgnoreId(), a.integer("patch_size", null), a.bool("post_mlp", false), enc, enc, q,
                    values.defaultLoss());
            int decSide = kwargs.has("image_size_dec") && !kwargs.get("image_size_dec").isJsonNull()
                    ? a.integer("image_size_dec", null) : image;
            return new Description(weights, encoder, a.unet(decSide, channels, latent), a.scheduler());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source, List.of(e.getMessage()));
        }
    }

    /** The reference's arguments, read with its defaults; every error names the key. */
    private record Args(Path source, JsonObject kwargs, JsonObject outer) {
        IllegalArgumentException bad(String key, String what) {
            return new IllegalArgumentException(key + ": " + what);
        }

        private JsonElement get(JsonObject o, String key) {
            JsonElement e = o.get(key);
            return e == null || e.isJsonNull() ? null : e;
        }

        int integer(String key, Integer fallback) {
            return integer(kwargs, key, fallback);
        }

        int integer(JsonObject o, String key, Integer fallback) {
            JsonElement e = get(o, key);
            if (e == null) {
                if (fallback == null) {
                    throw bad(key, "missing (an integer is required)");
                }
                return fallback;
            }
            try {
                return e.getAsInt();
            } catch (RuntimeException ex) {
                throw bad(key, "expected an integer, got " + e);
            }
        }

        String string(String key, String fallback) {
            JsonElement e = get(kwargs, key);
            return e == null ? fallback : e.getAsString();
        }

        boolean bool(String key, boolean fallback) {
            JsonElement e = get(kwargs, key);
            if (e == null) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw bad(key, "expected true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        List<Integer> ints(JsonObject o, String key) {
            JsonElement e = get(o, key);
            if (e == null || !e.isJsonArray()) {
                throw bad(key, "expected a list of integers");
            }
            List<Integer> out = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> out.add(x.getAsInt()));
            return out;
        }

        VqConfig.Network vit(String type) {
            return switch (type) {
                case "vit_s_enc" -> new VqConfig.Network(VqConfig.Arch.VIT, 512, 8, 8, 4);
                case "vit_b_enc" -> new VqConfig.Network(VqConfig.Arch.VIT, 768, 12, 12, 4);
                case "vit_l_enc" -> new VqConfig.Network(VqConfig.Arch.VIT, 1024, 24, 16, 4);
                default -> {
                    JsonElement t = get(outer, "vit_tiny");
                    if (t == null || !t.isJsonObject()) {
                        throw bad("enc_type", "'" + type + "' is not a reference preset (vit_s_enc, vit_b_enc,"
                                + " vit_l_enc) and no 'vit_tiny' node describes it");
                    }
                    JsonObject v = t.getAsJsonObject();
                    yield new VqConfig.Network(VqConfig.Arch.VIT, integer(v, "dim_tokens", null),
                            integer(v, "depth", null), integer(v, "num_heads", null), integer(v, "mlp_ratio", 4));
                }
            };
        }

        UNetConfig unet(int side, int channels, int latent) {
            String type = string("dec_type", "unet_patched");
            if (type.equals("unet_patched")) {
                return UNetConfig.unetPatched(side, channels, latent);
            }
            JsonElement t = get(outer, "unet_tiny");
            if (t == null || !t.isJsonObject()) {
                throw bad("dec_type", "'" + type + "' is not a reference preset (unet_patched) and no 'unet_tiny'"
                        + " node describes it");
            }
            JsonObject u = t.getAsJsonObject();
            return new UNetConfig(side, channels, channels, latent, integer(u, "patch_size", null),
                    integer(u, "model_channels", null), integer(u, "num_res_blocks", null),
                    ints(u, "attention_resolutions"), ints(u, "channel_mult"), integer(u, "num_heads", 1),
                    integer(u, "num_head_channels", -1));
        }

        /** The sampler with the DiVAE class's defaults. */
        SchedulerConfig scheduler() {
            SchedulerConfig d = SchedulerConfig.classDefaults();
            return new SchedulerConfig(SchedulerConfig.Kind.parse(string("scheduler", "ddpm")),
                    integer("num_train_timesteps", d.trainSteps()),
                    SchedulerConfig.BetaSchedule.parse(string("beta_schedule", "squaredcos_cap_v2")), d.betaStart(),
                    d.betaEnd(), SchedulerConfig.Prediction.parse(string("prediction_type", "v_prediction")),
                    bool("clip_sample", false), bool("thresholding", true), bool("zero_terminal_snr", true),
                    d.spacing(), d.eta());
        }
    }
}
