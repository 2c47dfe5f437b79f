/**
 * Diffusion detokenizers (the reference's DiVAE, spec-4m.md §6.1): {@link fourm.vq.diffusion.PatchedUNet} (the
 * patched UNet denoiser with the reference's state-dict names, architecture in {@link fourm.vq.diffusion.UNetConfig}),
 * {@link fourm.vq.diffusion.DiffusionScheduler} (DDPM and DDIM, configured by
 * {@link fourm.vq.diffusion.SchedulerConfig}), {@link fourm.vq.diffusion.DiffusionDecoder} (the sampling loop) and
 * {@link fourm.vq.diffusion.DivaeModel} (encoder, codebook and diffusion decoder loaded from a reference checkpoint).
 */
package fourm.vq.diffusion;
