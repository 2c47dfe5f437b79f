/**
 * Files in the safetensors format: {@link fourm.core.io.SafetensorsReader} (validating, memory-mapped),
 * {@link fourm.core.io.SafetensorsWriter} (deterministic, atomic), and {@link fourm.core.io.MaskedBatchFiles}, the
 * masked-batch layout of the reference's golden inputs ({@code <key>.tensor}, {@code <key>.input_mask},
 * {@code <key>.target_mask}, {@code <key>.decoder_attention_mask}).
 *
 * <p>Layout of a safetensors file: an unsigned 64-bit little-endian header length {@code n}, {@code n} bytes of UTF-8
 * JSON ({@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}}), then the
 * little-endian, row-major tensor data; offsets are relative to the first data byte.
 *
 * <p>{@link fourm.core.io.TorchCheckpointReader} reads the state dict of a PyTorch zip checkpoint ({@code .pth}) through
 * a restricted pickle reader that rebuilds tensors and executes nothing, and serves it as a
 * {@link fourm.core.io.SafetensorsReader}; {@link fourm.core.io.SafetensorsReader#openStateDict} picks the reader by
 * file extension.
 */
package fourm.core.io;
