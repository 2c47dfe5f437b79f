/**
 * fourm-vq: the image-like tokenizers of 4M (spec-4m.md §6.1). VQ-VAEs with a ViT encoder and decoder and a
 * cosine-similarity codebook for RGB, depth, normals, semantic segmentation, edges and feature maps; bottleneck MLPs
 * with multi-head Memcodes for global embeddings. Training, encoding, decoding, image I/O and pre-tokenization into
 * fourm-core's dataset format. Start at {@link fourm.vq.ImageTokenizers}.
 */
module fourm.vq {
    requires transitive fourm.core;
    requires transitive ai.djl.api;
    requires transitive typesafe.config;
    requires com.google.gson;
    requires java.desktop;

    exports fourm.vq;
    exports fourm.vq.io;
    exports fourm.vq.train;
    exports fourm.vq.pretokenize;
    exports fourm.vq.diffusion;
}
