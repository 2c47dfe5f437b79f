package fourm.vq.diffusion;

import java.util.List;

/**
 * The architecture of the reference's patched UNet ({@code PatchedUNetCondCat} in {@code fourm/vq/models/unet/unet.py},
 * spec-4m.md §6.1): the noisy image is cut into {@code patchSize x patchSize} patches, flattened into channels
 * ({@code b c (nh ph) (nw pw) -> b (c ph pw) nh nw}), concatenated with the conditioning map upsampled (nearest) to the
 * patch grid, run through an ADM-style UNet with a sinusoidal timestep embedding, and unpatchified back.
 *
 * <p>The UNet ({@code UNetModel}): {@code time_embed} (Linear C to 4C, SiLU, Linear 4C to 4C) of the sinusoidal
 * embedding of width C = {@code modelChannels}; {@code input_blocks.0} a 3x3 convolution to {@code channelMult[0] * C};
 * per level {@code numResBlocks} residual blocks (an attention block after each where the downsampling rate is in
 * {@code attentionResolutions}) and, except at the last level, a stride-2 3x3 convolution; a middle block (residual,
 * attention, residual); per level in reverse {@code numResBlocks + 1} residual blocks on the concatenation with the
 * matching skip (attention where the rate is listed), the last of each level but the first followed by a nearest x2
 * upsampling and a 3x3 convolution; {@code out} (GroupNorm, SiLU, 3x3 convolution). Normalisation is GroupNorm with 32
 * groups (eps 1e-5); attention is the "legacy" order (heads split before q, k, v), one head unless
 * {@code numHeads}/{@code numHeadChannels} say otherwise.
 *
 * @param imageSize            the image side the decoder was trained at (the default sample size)
 * @param inChannels           image channels (3 for RGB and normals, 1 for depth and edges)
 * @param outChannels          output channels (the same as the input in a DiVAE)
 * @param condChannels         channels of the conditioning map (the DiVAE's latent width)
 * @param patchSize            side of the patches of the noisy image
 * @param modelChannels        base width C
 * @param numResBlocks         residual blocks per level
 * @param attentionResolutions downsampling rates (1, 2, 4, ...) with attention blocks
 * @param channelMult          width multiplier per level
 * @param numHeads             attention heads (used when {@code numHeadChannels} is -1)
 * @param numHeadChannels      channels per head, or -1 to use {@code numHeads}
 */
public record UNetConfig(int imageSize, int inChannels, int outChannels, int condChannels, int patchSize,
                         int modelChannels, int numResBlocks, List<Integer> attentionResolutions,
                         List<Integer> channelMult, int numHeads, int numHeadChannels) {
    /** GroupNorm groups of every normalisation layer ({@code normalization()} in the reference). */
    public static final int GROUPS = 32;

    /** Checks the sizes; messages name the setting. */
    public UNetConfig {
        attentionResolutions = List.copyOf(attentionResolutions);
        channelMult = List.copyOf(channelMult);
        if (imageSize < 1 || inChannels < 1 || outChannels < 1 || condChannels < 0 || patchSize < 1) {
            throw new IllegalArgumentException("unet: image-size, in-channels, out-channels and patch-size must be >= 1"
                    + " and cond-channels >= 0, got " + imageSize + ", " + inChannels + ", " + outChannels + ", "
                    + patchSize + ", " + condChannels);
        }
        if (modelChannels < 1 || numResBlocks < 1 || channelMult.isEmpty()) {
            throw new IllegalArgumentException("unet: model-channels and num-res-blocks must be >= 1 and channel-mult"
                    + " non-empty, got " + modelChannels + ", " + numResBlocks + ", " + channelMult);
        }
        for (int m : channelMult) {
            if (m < 1 || (m * modelChannels) % GROUPS != 0) {
                throw new IllegalArgumentException("unet: every channel-mult times model-channels must be a positive"
                        + " multiple of " + GROUPS + " (GroupNorm groups), got " + m + " x " + modelChannels);
            }
        }
        if (numHeadChannels == -1 ? numHeads < 1 : numHeadChannels < 1) {
            throw new IllegalArgumentException("unet: num-heads must be >= 1 (or num-head-channels >= 1), got "
                    + numHeads + ", " + numHeadChannels);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("unet: image-size " + imageSize + " is not a multiple of patch-size "
                    + patchSize);
        }
    }

    /**
     * The reference's {@code unet_patched}: patch 4, 256 model channels, 3 residual blocks per level, attention at rates
     * 4 and 8, channel multipliers (1, 2, 2, 2), one attention head; the released DiVAE decoders.
     *
     * @param imageSize    image side (224 for the released tokenizers)
     * @param channels     image channels
     * @param condChannels latent width of the tokenizer (32 for the released ones)
     */
    public static UNetConfig unetPatched(int imageSize, int channels, int condChannels) {
        return new UNetConfig(imageSize, channels, channels, condChannels, 4, 256, 3, List.of(4, 8),
                List.of(1, 2, 2, 2), 1, -1);
    }

    /** The same architecture with another image side (the sample size of a decode). */
    public UNetConfig withImageSize(int side) {
        return new UNetConfig(side, inChannels, outChannels, condChannels, patchSize, modelChannels, numResBlocks,
                attentionResolutions, channelMult, numHeads, numHeadChannels);
    }

    /** Input channels of the inner UNet: the patchified image and the conditioning. */
    public int unetInChannels() {
        return inChannels * patchSize * patchSize + condChannels;
    }

    /** Output channels of the inner UNet (before unpatchifying). */
    public int unetOutChannels() {
        return outChannels * patchSize * patchSize;
    }

    /** Width of the timestep embedding: 4 x model channels. */
    public int timeEmbedDim() {
        return 4 * modelChannels;
    }

    /** Attention heads of a block of {@code channels} channels. */
    int heads(int channels) {
        if (numHeadChannels == -1) {
            return numHeads;
        }
        if (channels % numHeadChannels != 0) {
            throw new IllegalArgumentException("unet: " + channels + " channels do not divide into heads of "
                    + numHeadChannels);
        }
        return channels / numHeadChannels;
    }
}
