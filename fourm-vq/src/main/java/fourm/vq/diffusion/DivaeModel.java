package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.TensorInfo;
import fourm.core.model.CheckpointException;
import fourm.vq.LatentDecoder;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DiVAE tokenizer (the reference's {@code DiVAE} in {@code fourm/vq/vqvae.py}): fourm-vq's ViT encoder and cosine
 * codebook ({@link VqModel}, loaded encoder-only) and a diffusion decoder, the patched UNet ({@link PatchedUNet})
 * conditioned on the quantized latents themselves (a DiVAE has no {@code post_quant_proj}), sampled by the reference's
 * DDPM or DDIM scheduler ({@link DiffusionDecoder}).
 *
 * <p>Checkpoints in the reference's layout load with {@link #load}: every tensor of the file must be an encoder,
 * {@code quant_proj}, quantizer or {@code decoder.*} UNet tensor of the described architecture; one
 * {@link CheckpointException} lists every missing, unexpected and mis-shaped key otherwise.
 *
 * <p>Shape legend: B batch, C channels, H x W image, h x w token grid, L latent width.
 */
public final class DivaeModel implements AutoCloseable {
    private final VqModel encoder;
    private final PatchedUNet unet;
    private final DiffusionDecoder decoder;

    private DivaeModel(VqModel encoder, PatchedUNet unet, SchedulerConfig scheduler) {
        this.encoder = encoder;
        this.unet = unet;
        this.decoder = new DiffusionDecoder(unet, new DiffusionScheduler(scheduler));
    }

    /**
     * Loads a DiVAE checkpoint in the reference's layout (safetensors of its {@code state_dict}, or a torch
     * checkpoint: {@code .pth}, {@code .pt}, ...).
     *
     * @param encoder   the encoder side ({@code decoder} of it is ignored: a DiVAE's decoder is the UNet)
     * @param unet      the decoder's architecture ({@code condChannels} must be the latent width)
     * @param scheduler the sampler
     * @throws CheckpointException listing every missing, unexpected, mis-shaped or non-float key
     * @throws IllegalArgumentException if the UNet's channels do not fit the encoder's
     */
    public static DivaeModel load(Path file, VqConfig encoder, UNetConfig unet, SchedulerConfig scheduler)
            throws IOException {
        if (unet.condChannels() != encoder.quantizer().latentDim() || unet.inChannels() != encoder.channels()) {
            throw new IllegalArgumentException("the UNet takes " + unet.inChannels() + " image channels and "
                    + unet.condChannels() + " conditioning channels; the encoder has " + encoder.channels()
                    + " channels and latent width " + encoder.quantizer().latentDim());
        }
        List<TensorStore.Spec> layout = PatchedUNet.layout(unet);
        List<String> problems = new ArrayList<>();
        VqModel enc = null;
        try (SafetensorsReader r = SafetensorsReader.openStateDict(file)) {
            problems.addAll(checkDecoder(r, layout));
            try {
                enc = VqCheckpoints.load(file, encoder, VqCheckpoints.Scope.ENCODER_ONLY);
            } catch (CheckpointException e) {
                problems.addAll(e.problems());
            }
            if (!problems.isEmpty()) {
                throw new CheckpointException(file, problems);
            }
            NDManager manager = NDManager.newBaseManager();
            try {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                for (TensorStore.Spec s : layout) {
                    arrays.put(s.name(), r.toNDArray(manager, s.name()));
                }
                return new DivaeModel(enc, PatchedUNet.wrap(unet, manager, arrays), scheduler);
            } catch (IOException | RuntimeException e) {
                manager.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (enc != null) {
                enc.close();
            }
            throw e;
        }
    }

    /** The decoder-side mismatches: {@code decoder.*} against the UNet, and any {@code post_quant_proj.*}. */
    private static List<String> checkDecoder(SafetensorsReader r, List<TensorStore.Spec> layout) {
        Map<String, TensorInfo> file = r.tensors();
        Set<String> expected = new HashSet<>();
        List<String> problems = new ArrayList<>();
        List<String> later = new ArrayList<>();
        for (TensorStore.Spec s : layout) {
            expected.add(s.name());
            TensorInfo t = file.get(s.name());
            if (t == null) {
                problems.add("missing: " + s.name() + " " + Arrays.toString(s.shape()));
                continue;
            }
            if (!Arrays.equals(t.shape(), s.shape())) {
                later.add("shape mismatch: " + s.name() + ": file " + t.shapeString() + ", model "
                        + Arrays.toString(s.shape()));
            }
            if (!t.dtype().isFloating()) {
                later.add("wrong dtype: " + s.name() + ": " + t.dtype() + ", expected F32 (or F16/BF16)");
            }
        }
        for (TensorInfo t : file.values()) {
            boolean decoderSide = t.name().startsWith(PatchedUNet.PREFIX) || t.name().startsWith("post_quant_proj.");
            if (decoderSide && !expected.contains(t.name())) {
                problems.add("unexpected: " + t.name() + " " + t.shapeString()
                        + (t.name().startsWith("post_quant_proj.") ? " (a DiVAE conditions on the latents directly)"
                        : ""));
            }
        }
        problems.addAll(later);
        return problems;
    }

    /** The encoder side (encoder, {@code quant_proj}, codebook). */
    public VqModel encoder() {
        return encoder;
    }

    /** The denoiser. */
    public PatchedUNet unet() {
        return unet;
    }

    /** The sampling loop. */
    public DiffusionDecoder decoder() {
        return decoder;
    }

    /** Token ids [B * h * w] of normalised images [B, C, H, W] (RGB in [-1, 1]). */
    public long[] tokenize(NDManager m, NDArray input) {
        return encoder.tokenize(m, input);
    }

    /** The conditioning [B, L, h, w] of token ids: the codebook rows. */
    public NDArray embedTokens(NDManager m, long[] ids, int batch, int gridH, int gridW) {
        return encoder.embedTokens(m, ids, batch, gridH, gridW);
    }

    /**
     * Decodes token ids into images [B, C, H, W] in normalised units; the result belongs to {@code m}.
     *
     * @param side  image side (the UNet's training size by default; a multiple of the patch size)
     * @param noise the sampler's noise ({@link GaussianNoise#seeded} for a deterministic decode)
     */
    public NDArray decodeTokens(NDManager m, long[] ids, int batch, int gridH, int gridW, int steps, int side,
                                GaussianNoise noise, DiffusionDecoder.StepListener listener) {
        NDArray cond = embedTokens(m, ids, batch, gridH, gridW);
        return decoder.decode(m, cond, steps, side, noise, listener);
    }

    /**
     * The diffusion decoder in fourm-vq's decoder slot: {@code steps} steps at the UNet's image size, noise from a
     * stream seeded with {@code seed} for each call (so the same latents and seed give the same images).
     */
    public LatentDecoder latentDecoder(int steps, long seed) {
        DiffusionScheduler check = decoder.scheduler();
        check.timesteps(steps);
        return new LatentDecoder() {
            @Override
            public String type() {
                return "diffusion";
            }

            @Override
            public boolean deterministic() {
                return false;
            }

            @Override
            public NDArray decode(NDManager m, NDArray quantized) {
                return decoder.decode(m, quantized, steps, unet.config().imageSize(), GaussianNoise.seeded(seed),
                        null);
            }
        };
    }

    /** Frees every tensor. */
    @Override
    public void close() {
        try {
            unet.close();
        } finally {
            encoder.close();
        }
    }
}
