/**
 * fourm-vq: the image-like tokenizers of 4M (spec-4m.md §6.1). VQ-VAEs with a ViT encoder and decoder and a
 * cosine-similarity codebook; bottleneck MLPs with multi-head Memcodes for global embeddings. A library of
 * architectures that names no modality: what the values mean (normalisation, loss, metrics, files) is an
 * {@link fourm.vq.ImageValues} the modality plugin picks from {@link fourm.vq.values.ImageValueKit} (RGB, depth,
 * normals, class ids, edges, feature maps, global embeddings) or brings. Encoding, decoding and image I/O; training
 * and pre-tokenization are in fourm.vq.train (fourm-vq-train), the DiVAE diffusion decoder in fourm.vq.diffusion
 * (fourm-vq-diffusion), what an image plugin builds its modality with in fourm.vq.modality (fourm-vq-modality).
 * Start at {@link fourm.vq.ModalityImageTokenizer}.
 *
 * <p>Depends on fourm-api, fourm-core-io (safetensors, {@code .npy}) and DJL; not on
 * the transformer.
 */
module fourm.vq {
    requires transitive fourm.api;
    requires transitive fourm.core.io;
    requires transitive ai.djl.api;
    requires transitive typesafe.config;
    requires transitive com.google.gson;
    requires java.desktop;

    exports fourm.vq;
    exports fourm.vq.io;
    exports fourm.vq.values;

    uses fourm.vq.ImageValues;
}
