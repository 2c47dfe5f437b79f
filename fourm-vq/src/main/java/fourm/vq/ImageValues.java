package fourm.vq;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the values of an image-like tokenizer mean: how they are checked, normalised for the network and mapped back,
 * which loss trains them, which metrics judge the reconstruction, how crops resample them, and how they are read from
 * and written to files. A tokenizer's {@link VqConfig} carries one; the modality plugin that owns the tokenizer picks
 * it (ready-made ones are in {@link fourm.vq.values.ImageValueKit}: RGB in [-1, 1], normals {@code 2x - 1}, edges,
 * depth by truncated standardisation, class ids shifted by one, feature maps, global embeddings) or implements its own.
 *
 * <p>Values go in and come out of {@link ImageTokenizer} in "natural units" ({@link Raster}s, channel-major); the
 * network sees {@link #toModel}'s output and {@link #fromModel} maps its output back. Implementations are immutable
 * and thread-safe. {@link #name()} is recorded in checkpoints (as {@code family}), so a checkpoint is read back with
 * the values it was trained on; a plugin's own values are found by that name as a service
 * ({@link fourm.vq.values.ImageValueKit#byName}).
 */
public interface ImageValues {

    /** The name recorded in configurations and checkpoints ({@code rgb}, {@code depth}, ...). */
    String name();

    /** The loss the reference trains these values with (a configuration's {@code loss} may override it). */
    LossKind defaultLoss();

    /**
     * True for pixel images cut into patches by the encoder's patch projection (crops are resampled to the
     * tokenizer's image size); false for values with one token per cell (feature maps, global embeddings).
     */
    default boolean patches() {
        return true;
    }

    /** True for one vector per image ({@code [C, 1, 1]}), tokenized by Memcodes heads through bottleneck MLPs. */
    default boolean global() {
        return false;
    }

    /**
     * True for maps of class ids: one channel of ids in natural units, embedded by the model's class embedding
     * ({@code cls_emb}, {@code channels} wide) and decoded as {@code num-classes + 1} label logits.
     */
    default boolean classLabels() {
        return false;
    }

    /** The id that means "no class" when a configuration does not set {@code ignore-id}. */
    default int defaultIgnoreId() {
        return 0;
    }

    /**
     * Checks the parts of a configuration that depend on the values (channel count, classes); the architecture-wide
     * checks are {@link VqConfig}'s.
     *
     * @throws IllegalArgumentException naming the configuration and the setting
     */
    void check(VqConfig c);

    /** What the channels are, for messages: {@code " (R, G, B)"}, or empty. */
    default String channelHint() {
        return "";
    }

    /**
     * Checks one finite value in natural units against the values' range: {@code null} when it is fine, otherwise
     * what is wrong and what was expected ({@code "is outside [0, 1]; ..."}), to follow the value and its place.
     */
    default String problem(VqConfig c, float v) {
        return null;
    }

    /**
     * The network input of a valid value in natural units: [C, H, W] floats ([H, W] shifted labels for class ids).
     * May reuse the array of {@code r.data()}.
     */
    float[] toModel(VqConfig c, Raster r);

    /** The value in natural units of a network output [C', H, W]. */
    Raster fromModel(VqConfig c, float[] out, int height, int width);

    /** True when crops resample by nearest neighbour (ids must not be blended), false for bilinear. */
    default boolean nearestResample() {
        return false;
    }

    /** The value of channel {@code channel} once the image is mirrored left to right (normals negate x). */
    default float mirrored(int channel, float v) {
        return v;
    }

    /**
     * Puts the reconstruction metrics of these values, each with the score of a trivial baseline, into {@code out}
     * in a stable order (see {@link ReconstructionMetrics} for the helpers and the table of the kit's metrics).
     */
    void metrics(ReconstructionMetrics.Stats stats, Map<String, Double> out);

    /**
     * Reads a file into a value in natural units.
     *
     * @param c the tokenizer's configuration, or {@code null} when none is known (a modality without a checkpoint):
     *          then the file is read as it is, without the checks that need the configuration
     * @throws IOException naming the file, what it holds and what was expected
     */
    Raster read(Path file, VqConfig c) throws IOException;

    /** Writes a value as a file a viewer can open (PNG, or {@code .npy} for features); written atomically. */
    void write(Path file, Raster r, VqConfig c) throws IOException;

    /** The file extension {@link #write} uses, without the dot. */
    default String extension() {
        return "png";
    }
}
