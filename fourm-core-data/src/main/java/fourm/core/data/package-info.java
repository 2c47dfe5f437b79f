/**
 * The pre-tokenized dataset format (spec §9): one folder per modality under a root, each holding plain tar shards
 * {@code shard-00000.tar}, {@code shard-00001.tar}, ... whose members are named {@code <key>.<ext>} with the same keys
 * in every modality. Image-like tokens are {@code .npy} int16 arrays of shape (n_crops, n_tokens); sequences are
 * {@code .txt} or {@code .json}.
 *
 * <p>{@link fourm.core.data.ShardedDatasetWriter} writes shards (each to a temporary name, renamed into place when
 * complete); {@link fourm.core.data.ShardedDatasetReader} streams them with a shuffle buffer and a background prefetch
 * thread, zips modalities by key and validates every sample, failing or skipping bad ones per
 * {@code fourm.data.on-bad-sample}. {@link fourm.core.data.TarReader}, {@link fourm.core.data.TarWriter} and
 * {@link fourm.core.io.Npy} are the small codecs underneath.
 */
package fourm.core.data;
