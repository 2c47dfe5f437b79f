/**
 * Image-like tokenizers: {@link fourm.vq.VqConfig} (architecture), {@link fourm.vq.VqModel} (the network on DJL with
 * the reference's state-dict names), {@link fourm.vq.VqCheckpoints} (safetensors), {@link fourm.vq.ImageTokenizer}
 * (encode and decode in natural units, batched, deterministic), {@link fourm.vq.ImageValues} (what the values mean;
 * the kit is {@link fourm.vq.values.ImageValueKit}) and {@link fourm.vq.ModalityImageTokenizer} (a modality's
 * tokenizer over a checkpoint). The decoder slot is {@link fourm.vq.LatentDecoder}.
 */
package fourm.vq;
