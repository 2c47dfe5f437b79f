/**
 * The file formats and tensor I/O of fourm, the bottom of the engine: {@link fourm.core.io.SafetensorsReader} and
 * {@link fourm.core.io.SafetensorsWriter}, the {@code .npy} codec {@link fourm.core.io.Npy}, the restricted reader of
 * PyTorch checkpoints ({@link fourm.core.io.TorchCheckpointReader}), masked-batch files, output locks, the
 * {@link fourm.core.io.CheckpointException} every checkpoint loader throws and the DJL offline switch
 * ({@link fourm.core.io.Offline}); and the value types of a masked batch ({@link fourm.core.batch}).
 *
 * <p>Also the shared console progress display ({@link fourm.core.io.ConsoleProgress}) and JSON-lines training log
 * ({@link fourm.core.io.TrainLog}) of the training loops.
 *
 * <p>Depends on DJL's API (tensors), Gson (safetensors headers), fourm-api (atomic writes) and SLF4J.
 */
module fourm.core.io {
    requires fourm.api;
    requires org.slf4j;
    requires transitive ai.djl.api;
    requires com.google.gson;

    exports fourm.core.io;
    exports fourm.core.batch;
}
