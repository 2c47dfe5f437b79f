/**
 * fourm-vq-modality: what an image-like modality plugin builds its modality with.
 * {@link fourm.vq.modality.ImageTokenModality} (the plugin's modality with its own tokenizer, from its configuration
 * node), {@link fourm.vq.modality.RasterFormat} and {@link fourm.vq.modality.JsonValueFormat} (raw values in files),
 * {@link fourm.vq.modality.ImageTokenChecks} (what a plugin's tests run), {@link fourm.vq.modality.ArrayTokens} (a modality
 * whose plugin tokenizes arrays of numbers, with {@link fourm.vq.modality.CheckpointArrays}) and the SPI
 * {@link fourm.vq.modality.DecoderBackend}, through which decoders that live in modules of their own (the DiVAE's
 * diffusion decoder, fourm-vq-diffusion) are found.
 *
 * <p>Depends on fourm-vq (the tokenizers) and, through it, fourm-api and fourm-core-io.
 */
module fourm.vq.modality {
    requires transitive fourm.vq;

    exports fourm.vq.modality;

    uses fourm.vq.modality.DecoderBackend;
}
