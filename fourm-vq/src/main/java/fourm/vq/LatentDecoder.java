package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The decoder slot of a tokenizer: quantized latents in, a reconstruction out.
 *
 * <p>fourm ships the VQ-VAE decoders of spec-4m.md §6.1: a ViT ({@code post_quant_proj} 1x1, positions, pre-norm
 * blocks, optional post-MLP, {@code out_proj} and unpatchify) and a bottleneck MLP. The reference's diffusion decoders
 * (DiVAE: a patched UNet conditioned on the nearest-upsampled latent map, sampled over 25-50 DDIM steps) fit the same
 * slot as another implementation: they read the same quantized map and return an image of the same layout; a sampling
 * decoder reports {@link #deterministic()} false and draws its noise from its own seeded source.
 *
 * <p>Shape legend: B batch, L latent width, h x w token grid, C output channels (class logits for semseg), H x W output
 * size (h x w times the patch size).
 */
public interface LatentDecoder {

    /** A short name: {@code vit}, {@code bottleneck-mlp} (a diffusion decoder would say {@code diffusion}). */
    String type();

    /** True when the same latents always give the same output. */
    default boolean deterministic() {
        return true;
    }

    /**
     * Decodes quantized latents; differentiable in the decoder's parameters. The result belongs to {@code m}.
     *
     * @param m         the step's manager
     * @param quantized [B, L, h, w]
     * @return [B, C, H, W]
     */
    NDArray decode(NDManager m, NDArray quantized);
}
