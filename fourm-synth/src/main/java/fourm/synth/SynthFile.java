package fourm.synth;

import java.nio.file.Path;

/**
 * The files written for every sample, in the raw layout of the reference's data pipeline: {@code
 * root/{folder}/{key}.{extension}}. {@link #SAM_INSTANCE_MAP} and {@link #SAM_INSTANCE} share the folder
 * {@code sam_instance}. The README describes each format.
 */
public enum SynthFile {
    /** The picture: 8-bit sRGB PNG. */
    RGB("rgb", "png"),
    /** Depth along the camera axis: 16-bit gray PNG in millimetres; the sky is the far plane. */
    DEPTH("depth", "png"),
    /** Camera-frame surface normals as an RGB PNG, {@code n * 0.5 + 0.5}; the sky is (128, 128, 128). */
    NORMAL("normal", "png"),
    /** Semantic segmentation: 8-bit gray PNG of class ids ({@link Classes}). */
    SEMSEG("semseg", "png"),
    /** Segment ids: 8-bit gray PNG, 0 sky, 1 ground, 2 + k the k-th object of the scene. */
    SAM_INSTANCE_MAP("sam_instance", "png"),
    /** One entry per segment: id, class, area, bbox and boundary polygon. */
    SAM_INSTANCE("sam_instance", "json"),
    /** Canny edges of the RGB image: 8-bit PNG, 255 on edges, 0 elsewhere. */
    CANNY_EDGE("canny_edge", "png"),
    /** Boundaries of the segment map: 8-bit PNG, 255 on edges, 0 elsewhere. */
    SAM_EDGE("sam_edge", "png"),
    /** Object boxes: {@code {"instances": [{"boxes", "class_name", "score"}]}}, normalised coordinates. */
    DET("det", "json"),
    /** The caption, UTF-8 text. */
    CAPTION("caption", "txt"),
    /** Palettes for k = 1..7 colours, as the reference stores them. */
    COLOR_PALETTE("color_palette", "json"),
    /** The metadata of spec §6.3 the scene defines, by name. */
    METADATA("metadata", "json"),
    /** Human figures in HMR2's output layout ({@code {}} when there are none). */
    HUMAN_POSES("human_poses", "json"),
    /** The scene graph itself: camera, sun, objects; the ground truth behind every other file. */
    SCENE("scene", "json");

    private final String folder;
    private final String extension;

    SynthFile(String folder, String extension) {
        this.folder = folder;
        this.extension = extension;
    }

    /** The modality folder under the output root. */
    public String folder() {
        return folder;
    }

    /** The file extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** Where the file of sample {@code key} lives under {@code root}. */
    public Path path(Path root, String key) {
        return root.resolve(folder).resolve(key + "." + extension);
    }
}
