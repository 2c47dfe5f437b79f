package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.core.io.CheckpointException;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.TensorInfo;
import fourm.vq.LatentDecoder;
import fourm.vq.VqCheckpoints;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        checkFit(encoder, unet);
        VqCheckpoints.EncoderAnd loaded;
        try {
            loaded = VqCheckpoints.loadEncoderAnd(file, encoder, PatchedUNet.layout(unet));
        } catch (CheckpointException e) {
            List<String> problems = new ArrayList<>();
            for (String p : e.problems()) {
                problems.add(p.startsWith("unexpected: post_quant_proj.")
                        ? p + " (a DiVAE conditions on the latents directly)" : p);
            }
            throw new CheckpointException(file, problems);
        }
        return new DivaeModel(loaded.encoder(), PatchedUNet.wrap(unet, loaded.decoder()), scheduler);
    }

    /**
     * A new DiVAE initialised as the reference initialises one (the encoder side as {@link VqModel#createEncoderOnly},
     * the UNet as {@link PatchedUNet#create(UNetConfig, long)}, its output layers at zero); the same seed gives the
     * same weights on every machine.
     *
     * @throws IllegalArgumentException if the UNet's channels do not fit the encoder's
     */
    public static DivaeModel create(VqConfig encoder, UNetConfig unet, SchedulerConfig scheduler, long seed) {
        checkFit(encoder, unet);
        VqModel enc = VqModel.createEncoderOnly(encoder, seed);
        try {
            return new DivaeModel(enc, PatchedUNet.create(unet, seed + 1), scheduler);
        } catch (RuntimeException e) {
            enc.close();
            throw e;
        }
    }

    /**
     * A DiVAE with a new UNet (initialised as {@link #create}) around an existing tokenizer's encoder side, which it
     * takes over (closing the DiVAE closes it): a diffusion decoder for that tokenizer's ids.
     */
    public static DivaeModel withEncoder(VqModel encoder, UNetConfig unet, SchedulerConfig scheduler, long seed) {
        checkFit(encoder.config(), unet);
        return new DivaeModel(encoder, PatchedUNet.create(unet, seed), scheduler);
    }

    private static void checkFit(VqConfig encoder, UNetConfig unet) {
        if (unet.condChannels() != encoder.quantizer().latentDim() || unet.inChannels() != encoder.channels()) {
            throw new IllegalArgumentException("the UNet takes " + unet.inChannels() + " image channels and "
                    + unet.condChannels() + " conditioning channels; the encoder has " + encoder.channels()
                    + " channels and latent width " + encoder.quantizer().latentDim());
        }
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
