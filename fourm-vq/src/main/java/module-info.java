/**
 * fourm-vq: the image-like tokenizers of 4M (spec-4m.md §6.1). VQ-VAEs with a ViT encoder and decoder and a
 * cosine-similarity codebook; bottleneck MLPs with multi-head Memcodes for global embeddings. A library of
 * architectures that names no modality: what the values mean (normalisation, loss, metrics, files) is an
 * {@link fourm.vq.ImageValues} the modality plugin picks from {@link fourm.vq.values.ImageValueKit} (RGB, depth,
 * normals, class ids, edges, feature maps, global embeddings) or brings. Training, encoding, decoding, image I/O and
 * pre-tokenization into fourm-core's dataset format. Start at {@link fourm.vq.ModalityImageTokenizer}.
 */
module fourm.vq {
    requires transitive fourm.core;
    requires transitive ai.djl.api;
    requires transitive typesafe.config;
    requires transitive com.google.gson;
    requires java.desktop;

    exports fourm.vq;
    exports fourm.vq.io;
    exports fourm.vq.values;
    exports fourm.vq.modality;
    exports fourm.vq.train;
    exports fourm.vq.pretokenize;
    exports fourm.vq.diffusion;

    uses fourm.vq.ImageValues;
}
