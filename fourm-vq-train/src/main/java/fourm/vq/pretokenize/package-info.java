/**
 * Pre-tokenization of raw images and maps into fourm-core's sharded dataset format, with crop settings made once per
 * sample and reused for every modality: {@link fourm.vq.pretokenize.ImagePretokenizer}.
 */
package fourm.vq.pretokenize;
