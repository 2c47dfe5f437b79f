package fourm.torchscript;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import fourm.api.label.DenseMap;
import fourm.api.label.ImageInput;
import fourm.api.label.LabelResult;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A dense label computed by any TorchScript model (a {@code .pt} file written by {@code torch.jit.save}), run by DJL's
 * PyTorch engine: a feature-map teacher (CLIP, DINOv2), or a depth, surface-normal or segmentation network.
 *
 * <p>The photo is stretched to the configured input size (so that the map covers the whole photo; shrinking averages
 * the source pixels, enlarging interpolates bilinearly), scaled per channel as
 * {@code (rgb / 255 * range - mean[c]) / std[c]} and passed to {@code forward} as one float32 {@code [1, 3, H, W]}
 * tensor: fourm-api's {@link ImageInput}, the same rules as the TensorFlow labeler's. The chosen output of
 * {@code forward} (a tensor, or element {@code output} of a tuple or list of tensors) must be a 4-D map with batch 1,
 * {@code [1, C, h, w]} (or {@code [1, h, w, C]}); it becomes a {@link DenseMap} named {@code <file name>:<output>},
 * values converted to float32.
 *
 * <p>{@link #open(Path, Options)} loads the module and runs it once on a black image to check and learn the map's
 * shape; every problem is an {@link IllegalStateException} naming the file and saying what was expected and found
 * (libtorch's errors, e.g. for a corrupt archive, are reported as exceptions; the JVM carries on). One instance may
 * be used from several threads: each call works in its own NDManager, freed before it returns. {@link #close()} waits
 * for running labels and frees the module. libtorch's thread count is process-wide (the system property
 * {@code ai.djl.pytorch.num_threads}).
 */
public final class TorchScriptLabeler implements PseudoLabeler {

    /** The order of the output map's axes. */
    public enum Layout {
        /** {@code [batch, channels, height, width]} (PyTorch's usual order). */
        NCHW,
        /** {@code [batch, height, width, channels]} (e.g. ViT patch tokens reshaped to a grid). */
        NHWC
    }

    /**
     * How the photo becomes the model's input and which output is read.
     *
     * @param name         the labeler's name, {@code <modality>:<model>}
     * @param modalityKey  the modality whose values the map is
     * @param image        how the photo becomes the input: the input's height and width in pixels, and the range,
     *                     mean and std of the scaling
     * @param output       which output of {@code forward}: 0 for a single tensor, or the index in its tuple / list
     * @param outputLayout the output map's axis order
     */
    public record Options(String name, String modalityKey, ImageInput image, int output, Layout outputLayout) {
        /** Checks the values. */
        public Options {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(modalityKey, "modalityKey");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(outputLayout, "outputLayout");
            if (output < 0) {
                throw new IllegalArgumentException("output must be at least 0, got " + output);
            }
        }
    }

    private final Path file;
    private final Options options;
    private final ImageInput imageInput;
    private final ZooModel<NDList, NDList> model;
    private final String mapName;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final int mapHeight;
    private final int mapWidth;
    private final int mapChannels;
    private boolean closed;

    private TorchScriptLabeler(Path file, Options options, ZooModel<NDList, NDList> model) {
        this.file = file;
        this.options = options;
        this.imageInput = options.image();
        this.model = model;
        this.mapName = file.getFileName() + ":" + options.output();
        // One run on a black image: checks the output and learns the map's shape.
        float[] black = new float[3 * imageInput.height() * imageInput.width()];
        DenseMap probe = run(imageInput.scale(black, true), true);
        this.mapHeight = probe.height();
        this.mapWidth = probe.width();
        this.mapChannels = probe.channels();
    }

    /**
     * Loads a TorchScript module and checks it against the options.
     *
     * @param file    the {@code .pt} file written by {@code torch.jit.save} (or {@link TorchScriptArchive})
     * @param options how to feed it and what to read
     * @throws IllegalStateException naming the file for a missing or unreadable file, one libtorch cannot load, a
     *                               {@code forward} that fails on the input, or an output that is not a 4-D map
     */
    public static TorchScriptLabeler open(Path file, Options options) {
        Objects.requireNonNull(options, "options");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + ": the TorchScript file of " + options.name() + " does not exist;"
                    + " set the labeler's 'file' setting to a .pt file written by torch.jit.save");
        }
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                // The folder and the file's name: DJL then loads the file in place (a file path makes it log a
                // warning that the path is not an archive).
                .optModelPath(file.toAbsolutePath().getParent()).optModelName(file.getFileName().toString())
                .optEngine("PyTorch").build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | EngineException e) {
            throw new IllegalStateException(file + ": libtorch could not load the TorchScript module (expected a file"
                    + " written by torch.jit.save): " + firstLines(e.getMessage()), e);
        }
        try {
            return new TorchScriptLabeler(file, options, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static String firstLines(String message) {
        if (message == null) {
            return "(no message)";
        }
        String[] lines = message.strip().split("\n");
        return lines.length <= 8 ? message.strip() : String.join("\n", Arrays.copyOf(lines, 8)) + "\n...";
    }

    /** Runs the model on an image already scaled, channels first, at the input size. */
    private DenseMap run(float[] chw, boolean probe) {
        int h = imageInput.height();
        int w = imageInput.width();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray input = manager.create(chw, new Shape(1, 3, h, w));
            NDList out;
            try {
                out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false);
            } catch (EngineException | IllegalArgumentException | UnsupportedOperationException e) {
                throw new IllegalStateException(file + ": forward failed on a [1, 3, " + h + ", " + w
                        + "] float32 image (check the 'size' setting): " + firstLines(e.getMessage()), e);
            }
            if (options.output() >= out.size()) {
                throw new IllegalStateException(file + ": output " + options.output() + " was asked for, but forward"
                        + " returns " + out.size() + " tensor" + (out.size() == 1 ? "" : "s") + " " + shapes(out)
                        + "; set 'output' to an index below " + out.size());
            }
            NDArray map = out.get(options.output());
            long[] s = map.getShape().getShape();
            boolean nchw = options.outputLayout() == Layout.NCHW;
            String expected = nchw ? "[1, channels, height, width]" : "[1, height, width, channels]";
            if (s.length != 4 || s[0] != 1 || s[1] < 1 || s[2] < 1 || s[3] < 1) {
                throw new IllegalStateException(file + ": output " + options.output() + ": expected a 4-D map "
                        + expected + " (layout " + options.outputLayout() + "), got shape " + Arrays.toString(s));
            }
            int mh = (int) (nchw ? s[2] : s[1]);
            int mw = (int) (nchw ? s[3] : s[2]);
            int mc = (int) (nchw ? s[1] : s[3]);
            if (!probe && (mh != mapHeight || mw != mapWidth || mc != mapChannels)) {
                throw new IllegalStateException(file + ": output " + options.output() + ": expected a " + mapHeight
                        + "x" + mapWidth + "x" + mapChannels + " map as on the first run, got shape "
                        + Arrays.toString(s));
            }
            float[] v = (map.getDataType() == DataType.FLOAT32 ? map : map.toType(DataType.FLOAT32, false))
                    .toFloatArray();
            return nchw ? DenseMap.ofChannelsFirst(mapName, mh, mw, mc, v) : new DenseMap(mapName, mh, mw, mc, v);
        }
    }

    private static String shapes(NDList list) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < list.size(); i++) {
            s.append(i > 0 ? ", " : "").append(Arrays.toString(list.get(i).getShape().getShape()));
        }
        return s.append(')').toString();
    }

    @Override
    public String name() {
        return options.name();
    }

    @Override
    public String modalityKey() {
        return options.modalityKey();
    }

    /** The TorchScript file. */
    public Path file() {
        return file;
    }

    /** The map's shape: {@code [height, width, channels]}. */
    public int[] mapShape() {
        return new int[] {mapHeight, mapWidth, mapChannels};
    }

    /**
     * Runs the model on the photo, stretched to the input size.
     *
     * @throws IllegalStateException if the labeler is closed or the model fails on this input
     */
    @Override
    public LabelResult label(Rgb8Image image) {
        Objects.requireNonNull(image, "image");
        float[] chw = imageInput.of(image, true);
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(file + ": the labeler " + name() + " is closed");
            }
            return run(chw, false);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Waits for running labels, then frees the module. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                model.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return name() + " (" + file + ", output " + options.output() + ", " + mapHeight + "x" + mapWidth + "x"
                + mapChannels + ")";
    }
}
