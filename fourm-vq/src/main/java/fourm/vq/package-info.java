/**
 * Image-like tokenizers: {@link fourm.vq.VqConfig} (architecture), {@link fourm.vq.VqModel} (the network on DJL with
 * the reference's state-dict names), {@link fourm.vq.VqCheckpoints} (safetensors), {@link fourm.vq.ImageTokenizer}
 * (encode and decode in natural units, batched, deterministic) and {@link fourm.vq.ImageTokenizers} (loading one for a
 * modality). The decoder slot is {@link fourm.vq.LatentDecoder}.
 */
package fourm.vq;
