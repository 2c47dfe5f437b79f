package fourm.tfjs.label;

import fourm.api.label.DenseMap;
import fourm.api.label.ImageInput;
import fourm.api.label.LabelResult;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.Rgb8Image;
import fourm.tfjs.HostTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

/**
 * A dense label computed by any TensorFlow SavedModel: a feature-map teacher (CLIP- or DINOv2-like), or a depth,
 * surface-normal or segmentation network, whose chosen output is a {@code [1, height, width, channels]} (or
 * {@code [1, channels, height, width]}) float map over the photo.
 *
 * <p>The photo is stretched to the configured input size (so that the map covers the whole photo; shrinking averages
 * the source pixels, enlarging interpolates bilinearly), scaled per channel as
 * {@code (rgb / 255 * range - mean[c]) / std[c]}, and fed as one float32 image in the configured layout: fourm-api's
 * {@link ImageInput}, shared with the dense labelers of other engines. The output becomes a {@link DenseMap} (rows,
 * columns, channels last) named after the output key.
 *
 * <p>{@link #open(Path, Options)} loads the model, checks the signature, the input and the output (dtype, rank,
 * known dimensions) and runs it once on a black image to learn the map's shape; every problem is an
 * {@link IllegalStateException} naming the directory, the signature, the input or output key, what was expected and
 * what was found. One instance may be used from several threads (TensorFlow sessions run concurrently);
 * {@link #close()} waits for running labels and frees the session and graph.
 */
public final class SavedModelLabeler implements PseudoLabeler {

    /** The order of a 4-D image tensor's axes: batch, height, width, channels or batch, channels, height, width. */
    public enum Layout {
        /** {@code [batch, height, width, channels]} (TensorFlow's usual order). */
        NHWC,
        /** {@code [batch, channels, height, width]} (PyTorch's order, e.g. models converted from ONNX). */
        NCHW;

        int heightAxis() {
            return this == NHWC ? 1 : 2;
        }

        int widthAxis() {
            return this == NHWC ? 2 : 3;
        }

        int channelAxis() {
            return this == NHWC ? 3 : 1;
        }
    }

    /**
     * How the photo becomes the model's input and which tensors are used.
     *
     * @param name         the labeler's name, {@code <modality>:<model>}
     * @param modalityKey  the modality whose values the map is
     * @param tags         the meta graph's tags, usually {@code ["serve"]}
     * @param signature    the signature key, usually {@code serving_default}
     * @param input        the signature's input key, or empty for its only input
     * @param output       the signature's output key, or empty for its only output
     * @param inputLayout  the input's axis order
     * @param outputLayout the output's axis order
     * @param image        how the photo becomes the input: the input's height and width in pixels, and the range,
     *                     mean and std of the scaling
     * @param threads      compute threads for one photo (TensorFlow's intra-op parallelism)
     */
    public record Options(String name, String modalityKey, List<String> tags, String signature, String input,
                          String output, Layout inputLayout, Layout outputLayout, ImageInput image, int threads) {
        /** Checks the values and copies the tags. */
        public Options {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(modalityKey, "modalityKey");
            tags = List.copyOf(tags);
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(inputLayout, "inputLayout");
            Objects.requireNonNull(outputLayout, "outputLayout");
            Objects.requireNonNull(image, "image");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }
    }

    private final Path dir;
    private final Options options;
    private final ImageInput imageInput;
    private final SavedModelBundle bundle;
    private final String inputKey;
    private final String outputKey;
    private final String inputTensor;
    private final String outputTensor;
    private final int mapHeight;
    private final int mapWidth;
    private final int mapChannels;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private SavedModelLabeler(Path dir, Options options, SavedModelBundle bundle) {
        this.dir = dir;
        this.options = options;
        this.imageInput = options.image();
        this.bundle = bundle;
        Signature sig = findSignature();
        this.inputKey = chooseKey("input", options.input(), sig.getInputs());
        this.outputKey = chooseKey("output", options.output(), sig.getOutputs());
        Signature.TensorDescription in = sig.getInputs().get(inputKey);
        Signature.TensorDescription out = sig.getOutputs().get(outputKey);
        checkInput(in);
        checkDeclaredOutput(out);
        this.inputTensor = in.name;
        this.outputTensor = out.name;
        // One run on a black image: the map's real shape (the declared one may leave dimensions unknown).
        long[] shape = runShapeOnly();
        if (shape.length != 4 || shape[0] != 1) {
            throw error("output", outputKey, "expected a 4-D map [1, " + axes(options.outputLayout()) + "], got shape "
                    + Arrays.toString(shape));
        }
        Layout l = options.outputLayout();
        this.mapHeight = (int) shape[l.heightAxis()];
        this.mapWidth = (int) shape[l.widthAxis()];
        this.mapChannels = (int) shape[l.channelAxis()];
        if (mapHeight < 1 || mapWidth < 1 || mapChannels < 1) {
            throw error("output", outputKey, "expected a non-empty map, got shape " + Arrays.toString(shape));
        }
    }

    /**
     * Loads a SavedModel directory and checks it against the options.
     *
     * @param dir     the SavedModel directory (holding {@code saved_model.pb} and {@code variables/})
     * @param options how to feed it and what to read
     * @throws IllegalStateException naming the directory, signature and key for a missing directory, a missing tag
     *                               set, signature, input or output, or an input or output of the wrong type or shape
     */
    public static SavedModelLabeler open(Path dir, Options options) {
        Objects.requireNonNull(options, "options");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + ": the SavedModel directory of " + options.name()
                    + " does not exist; set the labeler's 'dir' setting to a directory written by"
                    + " tf.saved_model.save (it holds saved_model.pb and variables/)");
        }
        if (!Files.isRegularFile(dir.resolve("saved_model.pb")) && !Files.isRegularFile(dir.resolve("saved_model.pbtxt"))) {
            throw new IllegalStateException(dir + ": not a SavedModel directory: expected saved_model.pb, found "
                    + listing(dir));
        }
        // Grappler's remapper off, as for the TF.js models (fourm.tfjs.TfjsModel): a node it fuses can crash TensorFlow
        // 2.18's oneDNN layout pass, which takes the whole process down.
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(options.threads())
                .setInterOpParallelismThreads(1)
                .setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
                        RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF)))
                .build();
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(dir.toString()).withTags(options.tags().toArray(String[]::new))
                    .withConfigProto(config).load();
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new IllegalStateException(dir + ": TensorFlow could not load the SavedModel with tags "
                    + options.tags() + ": " + e.getMessage(), e);
        }
        try {
            return new SavedModelLabeler(dir, options, bundle);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
            return names.isEmpty() ? "an empty directory" : names.toString();
        } catch (java.io.IOException e) {
            return "an unreadable directory (" + e.getMessage() + ")";
        }
    }

    private Signature findSignature() {
        List<String> keys = new ArrayList<>();
        for (Signature s : bundle.signatures()) {
            if (s.key().equals(options.signature())) {
                return s;
            }
            keys.add(s.key());
        }
        keys.sort(null);
        throw new IllegalStateException(dir + ": the SavedModel has no signature '" + options.signature()
                + "' (tags " + options.tags() + "); its signatures are " + keys);
    }

    private String chooseKey(String what, String wanted, Map<String, Signature.TensorDescription> available) {
        List<String> keys = available.keySet().stream().sorted().toList();
        if (wanted.isEmpty()) {
            if (keys.size() != 1) {
                throw new IllegalStateException(dir + ": signature '" + options.signature() + "': the " + what
                        + " setting is empty, which needs a single " + what + ", but the signature has " + keys
                        + "; name one");
            }
            return keys.get(0);
        }
        if (!available.containsKey(wanted)) {
            throw new IllegalStateException(dir + ": signature '" + options.signature() + "' has no " + what + " '"
                    + wanted + "'; its " + what + "s are " + keys);
        }
        return wanted;
    }

    private IllegalStateException error(String what, String key, String message) {
        return new IllegalStateException(dir + ": signature '" + options.signature() + "', " + what + " '" + key
                + "': " + message);
    }

    private static String axes(Layout l) {
        return l == Layout.NHWC ? "height, width, channels" : "channels, height, width";
    }

    private void checkInput(Signature.TensorDescription in) {
        if (in.dataType != DataType.DT_FLOAT) {
            throw error("input", inputKey, "expected a float32 image, got " + in.dataType);
        }
        Shape s = in.shape;
        if (s == null || s.isUnknown()) {
            return;
        }
        Layout l = options.inputLayout();
        long[] expected = new long[4];
        expected[0] = 1;
        expected[l.heightAxis()] = imageInput.height();
        expected[l.widthAxis()] = imageInput.width();
        expected[l.channelAxis()] = 3;
        boolean ok = s.numDimensions() == 4;
        for (int i = 0; ok && i < 4; i++) {
            ok = s.get(i) < 0 || s.get(i) == expected[i];
        }
        if (!ok) {
            throw error("input", inputKey, "expected a 4-D " + l + " image of shape " + Arrays.toString(expected)
                    + " (size " + imageInput.height() + "x" + imageInput.width() + ", layout " + l + "), the signature"
                    + " declares " + s + "; check the 'size' and 'layout' settings");
        }
    }

    private void checkDeclaredOutput(Signature.TensorDescription out) {
        if (out.dataType != DataType.DT_FLOAT) {
            throw error("output", outputKey, "expected a float32 map, got " + out.dataType);
        }
        if (out.shape != null && !out.shape.isUnknown() && out.shape.numDimensions() != 4) {
            throw error("output", outputKey, "expected a 4-D map [1, " + axes(options.outputLayout())
                    + "], the signature declares " + out.shape);
        }
    }

    private long[] runShapeOnly() {
        int h = imageInput.height();
        int w = imageInput.width();
        return run(imageInput.scale(new float[h * w * 3], options.inputLayout() == Layout.NCHW)).shape();
    }

    /** Runs the model on an image already scaled and packed in the input layout. */
    private HostTensor run(float[] in) {
        int h = imageInput.height();
        int w = imageInput.width();
        boolean nhwc = options.inputLayout() == Layout.NHWC;
        Shape shape = nhwc ? Shape.of(1, h, w, 3) : Shape.of(1, 3, h, w);
        try (TFloat32 input = TFloat32.tensorOf(shape, DataBuffers.of(in, true, false))) {
            Result result;
            try {
                result = bundle.session().runner().feed(inputTensor, input).fetch(outputTensor).run();
            } catch (TensorFlowException | IllegalArgumentException e) {
                throw error("output", outputKey, "the run failed: " + e.getMessage());
            }
            try (result) {
                Tensor t = result.get(0);
                if (t.dataType() != DataType.DT_FLOAT) {
                    throw error("output", outputKey, "expected a float32 map, got " + t.dataType());
                }
                float[] v = new float[Math.toIntExact(t.shape().size())];
                t.asRawTensor().data().asFloats().read(v);
                return new HostTensor(t.shape().asArray(), v);
            }
        }
    }

    @Override
    public String name() {
        return options.name();
    }

    @Override
    public String modalityKey() {
        return options.modalityKey();
    }

    /** The SavedModel directory. */
    public Path dir() {
        return dir;
    }

    /** The output key the map is read from (the configured one, or the signature's only output). */
    public String outputKey() {
        return outputKey;
    }

    /** The map's shape: {@code [height, width, channels]}. */
    public int[] mapShape() {
        return new int[] {mapHeight, mapWidth, mapChannels};
    }

    /**
     * Runs the model on the photo, stretched to the input size.
     *
     * @throws IllegalStateException if the labeler is closed or TensorFlow fails on this input
     */
    @Override
    public LabelResult label(Rgb8Image image) {
        Objects.requireNonNull(image, "image");
        float[] in = imageInput.of(image, options.inputLayout() == Layout.NCHW);
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(dir + ": the labeler " + name() + " is closed");
            }
            HostTensor out = run(in);
            long[] s = out.shape();
            Layout l = options.outputLayout();
            if (s.length != 4 || s[0] != 1 || s[l.heightAxis()] != mapHeight || s[l.widthAxis()] != mapWidth
                    || s[l.channelAxis()] != mapChannels) {
                throw error("output", outputKey, "expected shape " + shapeString() + " as on the first run, got "
                        + Arrays.toString(s));
            }
            float[] v = out.values();
            return l == Layout.NHWC ? new DenseMap(outputKey, mapHeight, mapWidth, mapChannels, v)
                    : DenseMap.ofChannelsFirst(outputKey, mapHeight, mapWidth, mapChannels, v);
        } finally {
            lock.readLock().unlock();
        }
    }

    private String shapeString() {
        return options.outputLayout() == Layout.NHWC
                ? "[1, " + mapHeight + ", " + mapWidth + ", " + mapChannels + "]"
                : "[1, " + mapChannels + ", " + mapHeight + ", " + mapWidth + "]";
    }

    /** Waits for running labels, then frees the session and graph. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                bundle.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return name() + " (" + dir + ", signature " + options.signature() + ", output " + outputKey + " "
                + shapeString().toLowerCase(Locale.ROOT) + ")";
    }
}
