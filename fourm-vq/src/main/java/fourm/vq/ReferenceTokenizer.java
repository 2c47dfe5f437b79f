package fourm.vq;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import fourm.vq.VqConfig.Arch;
import fourm.vq.VqConfig.Network;
import fourm.vq.VqConfig.QuantizerSpec;
import fourm.vq.VqConfig.QuantizerType;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tokenizer directory in the reference's published layout: {@code config.json} holding the keyword arguments of the
 * reference's {@code VQVAE} (or {@code DiVAE}) constructor ({@code enc_type}, {@code dec_type}, {@code n_channels},
 * {@code n_labels}, {@code codebook_size}, {@code latent_dim}, {@code patch_size}, {@code image_size},
 * {@code post_mlp}, {@code patch_proj}, {@code quant_type}, {@code num_codebooks}, {@code norm_codes},
 * {@code out_conv}, ...) and the state dict with the reference's key names: {@code model.safetensors}, or a torch
 * checkpoint ({@code pytorch_model.bin}, {@code model.pth}, {@code model.pt}) read by fourm-core's restricted reader,
 * which rebuilds tensors and executes nothing.
 *
 * <p>The directory does not say what its values are: the modality plugin that owns it gives the {@link ImageValues}.
 * The architecture is mapped onto a {@link VqConfig}: a ViT (a preset name of {@link ReferencePresets}) with patches
 * ({@code patch_proj = true}: {@code image_size} pixels in patches of {@code patch_size}) or on a feature map ({@code
 * patch_proj = false}: a {@code image_size / patch_size} map, one token per cell), or a BottleneckMLP on a global
 * embedding ({@code image_size} and {@code patch_size} are unused by the reference there); {@code n_labels} classes (id
 * 0 = no class) for class-id maps; the cosine codebook ({@code quant_type = lucid}, {@code norm_codes = true}, {@code
 * num_codebooks} parallel codebooks) or Memcodes ({@code num_codebooks} heads); {@code out_conv = true} adds the
 * ConvNeXt output head of the SAM-instance tokenizer ({@link VqConfig#outConv()}). Keys that only matter for training
 * ({@code ema_decay}, {@code commitment_weight}, {@code sync_codebook}, ...) are read where fourm has them and
 * otherwise accepted; a key the reference's constructor would not take is refused.
 *
 * <p>A DiVAE directory (a diffusion decoder: {@code dec_type} {@code unet_*} and the scheduler keys) gives its encoder
 * side here ({@link #config()}, loaded by {@link #loadEncoder()}); the decoder's keyword arguments are handed on unread
 * by {@link #diffusionDecoderKwargs()}, for {@code fourm.vq.diffusion.DivaeModel} (fourm-vq-diffusion). {@link #load()}
 * refuses it naming the diffusion decoder.
 *
 * <p>Every problem of {@code config.json} is reported at once, naming the file, each key and what was expected;
 * weights that do not fit the configuration give one {@link fourm.core.io.CheckpointException} naming the weights
 * file and every missing, unexpected and mis-shaped key ({@link #verifyWeights()}).
 */
public final class ReferenceTokenizer {
    /** The configuration file of a tokenizer directory. */
    public static final String CONFIG_FILE = ReferenceKwargs.CONFIG_FILE;
    /** The weight files looked for, in this order. */
    public static final List<String> WEIGHT_FILES = ReferenceKwargs.WEIGHT_FILES;

    /** The keys of the DiVAE constructor (its diffusion decoder), handed on by {@link #diffusionDecoderKwargs()}. */
    public static final Set<String> DIFFUSION_KEYS = Set.of("num_train_timesteps", "cls_free_guidance_dropout",
            "masked_cfg", "masked_cfg_low", "masked_cfg_high", "scheduler", "beta_schedule", "prediction_type",
            "clip_sample", "thresholding", "conditioning", "dec_transformer_dropout", "zero_terminal_snr",
            "image_size_sd");
    private static final Set<String> USED = Set.of("image_size", "image_size_enc", "image_size_dec",
            "patch_size_dec", "n_channels", "n_labels", "enc_type", "dec_type", "patch_proj", "post_mlp",
            "patch_size", "quant_type", "codebook_size", "num_codebooks", "latent_dim", "norm_codes", "out_conv",
            "ema_decay", "commitment_weight");
    /** Training-time keys the reference's constructors take and inference does not use. */
    private static final Set<String> TRAINING_ONLY = Set.of("norm_latents", "sync_codebook",
            "threshold_ema_dead_code", "code_replacement_policy", "kmeans_init", "ckpt_path", "ignore_keys",
            "freeze_enc", "undo_std");

    private final Path directory;
    private final Path weights;
    private final VqConfig config;
    private final String decoderType;
    private final Map<String, JsonElement> diffusionKwargs;

    private ReferenceTokenizer(Path directory, Path weights, VqConfig config, String decoderType,
                               Map<String, JsonElement> diffusionKwargs) {
        this.directory = directory;
        this.weights = weights;
        this.config = config;
        this.decoderType = decoderType;
        this.diffusionKwargs = diffusionKwargs;
    }

    /** True when {@code path} is a directory holding a {@value #CONFIG_FILE}. */
    public static boolean isTokenizerDirectory(Path path) {
        return ReferenceKwargs.isTokenizerDirectory(path);
    }

    /**
     * Reads a tokenizer directory's {@code config.json} and finds its weights (nothing is loaded yet).
     *
     * @param name    a label for the architecture (the modality key, say)
     * @param values  what the tokenizer's values are (the owning plugin's)
     * @param presets the architecture names {@code enc_type} and {@code dec_type} may use
     * @throws NoSuchFileException      if the directory, its config or its weights are missing
     * @throws IllegalArgumentException naming the file, every bad key and what was expected
     */
    public static ReferenceTokenizer read(Path directory, String name, ImageValues values, ReferencePresets presets)
            throws IOException {
        ReferenceKwargs kwargs = ReferenceKwargs.readDirectory(directory);
        Path weights = ReferenceKwargs.weightsIn(directory);
        JsonObject o = kwargs.json();
        Fields f = new Fields(kwargs);
        String decType = f.string("dec_type", null);
        boolean diffusion = (decType != null && decType.startsWith("unet"))
                || o.keySet().stream().anyMatch(DIFFUSION_KEYS::contains);
        VqConfig c = f.toConfig(name, values, presets, diffusion);
        Map<String, JsonElement> rest = new LinkedHashMap<>();
        if (diffusion) {
            rest.put("dec_type", o.get("dec_type"));
            for (String k : o.keySet()) {
                if (DIFFUSION_KEYS.contains(k)) {
                    rest.put(k, o.get(k));
                }
            }
        }
        return new ReferenceTokenizer(directory, weights, c, decType, Collections.unmodifiableMap(rest));
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** The weights file. */
    public Path weights() {
        return weights;
    }

    /** The architecture (for a DiVAE: its encoder side; the decoder entry is a placeholder and never loaded). */
    public VqConfig config() {
        return config;
    }

    /** True for a DiVAE: the decoder is a diffusion model ({@link #diffusionDecoderKwargs()}). */
    public boolean hasDiffusionDecoder() {
        return !diffusionKwargs.isEmpty();
    }

    /**
     * The diffusion decoder's constructor arguments of a DiVAE ({@code dec_type} and the scheduler's keys), unread, as
     * a JSON object ({@code {}} for a VQ-VAE). This is the hook for {@code fourm.vq.diffusion.DivaeModel}
     * (fourm-vq-diffusion): fourm-vq's ViT and MLP decoders do not read them.
     */
    public String diffusionDecoderKwargs() {
        JsonObject o = new JsonObject();
        diffusionKwargs.forEach(o::add);
        return o.toString();
    }

    /**
     * Checks the weights against the configuration (the header only).
     *
     * @throws fourm.core.io.CheckpointException naming the weights file and every mismatched key
     */
    public void verifyWeights() throws IOException {
        VqCheckpoints.verify(weights, config, scope());
    }

    /**
     * Loads the whole tokenizer.
     *
     * @throws IllegalStateException for a DiVAE, whose diffusion decoder is not a fourm-vq decoder
     */
    public VqModel load() throws IOException {
        if (hasDiffusionDecoder()) {
            throw new IllegalStateException(directory + " is a DiVAE tokenizer with a diffusion decoder (dec_type "
                    + decoderType + "); load its encoder with loadEncoder(), its decoder with"
                    + " fourm.vq.diffusion.DivaeModel");
        }
        return VqCheckpoints.load(weights, config, VqCheckpoints.Scope.FULL);
    }

    /** Loads the encoder and quantizer only (every {@code decoder.*} and {@code post_quant_proj.*} key ignored). */
    public VqModel loadEncoder() throws IOException {
        return VqCheckpoints.load(weights, config, VqCheckpoints.Scope.ENCODER_ONLY);
    }

    /** What the plugin loads: the whole tokenizer, or a DiVAE's encoder side. */
    public VqCheckpoints.Scope scope() {
        return hasDiffusionDecoder() ? VqCheckpoints.Scope.ENCODER_ONLY : VqCheckpoints.Scope.FULL;
    }

    @Override
    public String toString() {
        return "ReferenceTokenizer[" + directory + ", " + weights.getFileName() + "]";
    }

    /** The constructor arguments mapped onto a {@link VqConfig}, every problem collected ({@link ReferenceKwargs}). */
    private static final class Fields {
        private final ReferenceKwargs args;
        private final Path file;
        private final JsonObject o;

        Fields(ReferenceKwargs k) {
            this.args = k;
            this.file = k.file();
            this.o = k.json();
        }

        String string(String key, String fallback) {
            return args.string(key, fallback);
        }

        VqConfig toConfig(String name, ImageValues values, ReferencePresets presets, boolean diffusion) {
            Set<String> unknown = new TreeSet<>();
            for (String k : o.keySet()) {
                if (!USED.contains(k) && !TRAINING_ONLY.contains(k) && !DIFFUSION_KEYS.contains(k)
                        && !k.startsWith("_")) {
                    unknown.add(k);
                }
            }
            if (!unknown.isEmpty()) {
                args.problem("unknown key(s) " + unknown + ": the reference's VQVAE/DiVAE constructors take "
                        + new TreeSet<>(union()));
            }
            String encType = args.requiredString("enc_type");
            String decType = args.requiredString("dec_type");
            Integer imageSize = args.integer("image_size", true);
            Integer channels = args.integer("n_channels", true);
            Integer labels = args.integer("n_labels", false);
            Integer patch = args.integer("patch_size", true);
            Integer codebook = args.integer("codebook_size", true);
            Integer latent = args.integer("latent_dim", true);
            Integer codebooks = args.integer("num_codebooks", false);
            String quantType = args.requiredString("quant_type");
            boolean patchProj = args.bool("patch_proj", true);
            boolean postMlp = args.bool("post_mlp", false);
            boolean normCodes = args.bool("norm_codes", true);
            boolean outConv = args.bool("out_conv", false);
            double emaDecay = args.number("ema_decay", 0.99);
            double commitment = args.number("commitment_weight", 1.0);
            for (String k : List.of("image_size_enc", "image_size_dec")) {
                Integer v = args.integer(k, false);
                if (v != null && imageSize != null && !v.equals(imageSize)) {
                    args.problem("'" + k + "': " + v + " differs from image_size " + imageSize + "; fourm-vq runs"
                            + " encoder and decoder at image_size");
                }
            }
            Integer patchDec = args.integer("patch_size_dec", false);
            if (patchDec != null && patch != null && !patchDec.equals(patch)) {
                args.problem("'patch_size_dec': " + patchDec + " differs from patch_size " + patch
                        + "; fourm-vq's decoders use patch_size");
            }
            Network enc = null;
            Network dec = null;
            if (encType != null) {
                enc = network(presets, "enc_type", encType);
            }
            if (decType != null && !diffusion) {
                dec = network(presets, "dec_type", decType);
            }
            if (diffusion) {
                dec = enc; // placeholder: a DiVAE's decoder is the diffusion model, never loaded as a fourm-vq decoder
            }
            QuantizerType qt = null;
            if (quantType != null) {
                switch (quantType) {
                    case "lucid" -> qt = QuantizerType.LUCID;
                    case "memcodes" -> qt = QuantizerType.MEMCODES;
                    default -> args.problem("'quant_type': expected lucid or memcodes, got \"" + quantType + "\"");
                }
            }
            int heads = codebooks == null ? 1 : codebooks;
            if (qt == QuantizerType.LUCID) {
                if (!normCodes) {
                    args.problem("'norm_codes': false (a Euclidean codebook) is not supported; fourm-vq's lucid"
                            + " quantizer is the cosine-similarity codebook (norm_codes = true)");
                }
            }
            args.check();
            boolean mlp = enc.arch() == Arch.BOTTLENECK_MLP;
            int size;
            int p;
            if (mlp) {
                size = 1; // the reference's BottleneckMLP ignores image_size and patch_size: one 1x1 map
                p = 1;
            } else if (patchProj) {
                size = imageSize;
                p = patch;
            } else {
                if (patch < 1 || imageSize % patch != 0) {
                    throw new IllegalArgumentException(file + ": 'image_size' " + imageSize + " is not a multiple of"
                            + " 'patch_size' " + patch + " (patch_proj = false: the feature map is image_size /"
                            + " patch_size cells a side)");
                }
                size = imageSize / patch;
                p = 1;
            }
            try {
                if (values.classLabels() != (labels != null)) {
                    throw new IllegalArgumentException(values.classLabels()
                            ? "'n_labels' is missing; " + values.name() + " values are class ids"
                            : "'n_labels' = " + labels + " is for class-id maps; the values are " + values.name());
                }
                if (values.patches() != (patchProj && !mlp) && !values.global()) {
                    throw new IllegalArgumentException("'patch_proj' = " + patchProj + ", but " + values.name()
                            + (values.patches() ? " values are cut into patches (patch_proj = true)"
                            : " values are maps with one token per cell (patch_proj = false)"));
                }
                QuantizerSpec q = new QuantizerSpec(qt, codebook, latent, heads, emaDecay, commitment, 1.0);
                return new VqConfig(name, values, size, channels, labels == null ? 0 : labels - 1,
                        values.defaultIgnoreId(), p, postMlp, enc, dec, q, values.defaultLoss(), outConv);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": the tokenizer config does not fit: " + e.getMessage(), e);
            }
        }

        private Network network(ReferencePresets presets, String key, String preset) {
            try {
                return presets.resolve(preset);
            } catch (IllegalArgumentException e) {
                args.problem("'" + key + "': " + e.getMessage());
                return null;
            }
        }

        private static Set<String> union() {
            Set<String> all = new TreeSet<>(USED);
            all.addAll(TRAINING_ONLY);
            all.addAll(DIFFUSION_KEYS);
            return all;
        }
    }
}
