/**
 * Sharded datasets ({@link fourm.core.data.ShardedDatasetWriter}, {@link fourm.core.data.ShardedDatasetReader}): tar
 * shards with a manifest, per-sample validation against the modality specifications, streaming with a shuffle buffer
 * and a background prefetch, the {@code fourm.data} settings (this module's reference.conf).
 *
 * <p>Depends on fourm-api (modality specifications) and fourm-core-io (the {@code .npy} codec, output locks).
 */
module fourm.core.data {
    requires org.slf4j;
    requires transitive fourm.api;
    requires transitive fourm.core.io;
    requires com.google.gson;

    exports fourm.core.data;
}
