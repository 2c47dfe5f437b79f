/**
 * The kit for image modality plugins: {@link fourm.vq.modality.ImageTokenModality} builds a plugin's modality with
 * its own fourm-vq tokenizer from its configuration node (values picked from the kit, checkpoint from
 * {@code tokenizer.checkpoint}), and {@link fourm.vq.modality.RasterFormat} reads, writes and shows its raw values.
 */
package fourm.vq.modality;
