/**
 * File formats of fourm-vq: {@link fourm.vq.io.ImageFiles} reads PNG (8- and 16-bit, through javax.imageio) and
 * {@code .npy} maps (through fourm-core's {@code .npy} codec, {@link fourm.core.io.Npy}) into
 * {@link fourm.vq.Raster}s for a tokenizer and writes them back; {@link fourm.vq.io.Crops} are the crop-and-resize
 * operations of training and pre-tokenization; files are written through fourm-api's
 * {@link fourm.api.io.AtomicFiles}.
 */
package fourm.vq.io;
