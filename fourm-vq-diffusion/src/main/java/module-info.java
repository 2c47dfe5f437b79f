/**
 * The DiVAE diffusion decoder of 4M's tokenizers: {@link fourm.vq.diffusion.PatchedUNet} (the denoiser, in the
 * reference's key names), the DDPM and DDIM schedulers, {@link fourm.vq.diffusion.DiffusionDecoder} (the sampling
 * loop) and {@link fourm.vq.diffusion.DivaeModel} (encoder, codebook and decoder of a reference checkpoint).
 *
 * <p>Depends on fourm-vq (the encoder, the codebook, checkpoints) and through it fourm-core-io and DJL; on
 * fourm-torchscript and DJL's PyTorch engine for the UNet's inference path (a TorchScript module of libtorch operations).
 */
module fourm.vq.diffusion {
    requires transitive fourm.vq;
    requires fourm.vq.modality;
    requires fourm.torchscript;
    requires ai.djl.pytorch_engine;

    exports fourm.vq.diffusion;

    provides fourm.vq.modality.DecoderBackend with fourm.vq.diffusion.DivaeBackend;
}
