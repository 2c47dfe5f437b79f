package fourm.vq.train;

import fourm.vq.Normalization;
import fourm.vq.values.ImageValueKit;
import fourm.vq.Raster;
import fourm.vq.VqConfig;
import fourm.vq.io.Crops;
import fourm.vq.io.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The images of a tokenizer training run, held in memory in natural units, with the augmentation of the reference's
 * tokenizer training: a random resized crop (area scale in {@code [min-crop-scale, 1]}) resized to the tokenizer's
 * image size and a horizontal flip for pixel families; the centre crop for evaluation. With the synthetic teacher the
 * sources are RGB images and the feature map or global embedding is computed from each crop, as the reference
 * computes its teachers' features on the fly. Feature maps and embeddings read from files are used as they are.
 *
 * <p>Every value is checked against the tokenizer ({@link Normalization#validate}) before training starts, with the
 * file name in the message.
 */
public final class TrainingData {
    private final VqConfig model;
    private final VqTrainSettings.Data settings;
    private final List<Raster> train;
    private final List<Raster> eval;
    private final SyntheticTeacher teacher;

    private TrainingData(VqConfig model, VqTrainSettings.Data settings, List<Raster> train, List<Raster> eval) {
        this.model = model;
        this.settings = settings;
        this.train = List.copyOf(train);
        this.eval = List.copyOf(eval);
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training images (all " + eval.size() + " were held out for"
                    + " evaluation; lower data.eval-samples or add files)");
        }
        if (settings.teacher() == VqTrainSettings.Teacher.SYNTHETIC) {
            if (model.values().patches()) {
                throw new IllegalArgumentException("data.teacher = synthetic makes feature maps and global embeddings;"
                        + " the " + model.name() + " tokenizer is " + model.values().name());
            }
            if (settings.teacherImageSize() % settings.teacherPatch() != 0) {
                throw new IllegalArgumentException("data.teacher-image-size " + settings.teacherImageSize()
                        + " is not a multiple of data.teacher-patch " + settings.teacherPatch());
            }
            int side = settings.teacherImageSize() / settings.teacherPatch();
            if (!model.values().global() && side != model.imageSize()) {
                throw new IllegalArgumentException("the synthetic teacher makes " + side + " x " + side + " maps ("
                        + settings.teacherImageSize() + " / " + settings.teacherPatch() + ") but the " + model.name()
                        + " tokenizer reads " + model.imageSize() + " x " + model.imageSize());
            }
            this.teacher = new SyntheticTeacher(settings.teacherPatch(), settings.teacherHidden(), model.channels(),
                    settings.teacherSeed());
        } else {
            this.teacher = null;
            for (int i = 0; i < this.train.size() + this.eval.size(); i++) {
                Raster r = i < this.train.size() ? this.train.get(i) : this.eval.get(i - this.train.size());
                boolean fixedSize = !model.values().patches();
                Normalization.validate(model, fixedSize ? r : centreCrop(r), "training image " + i, true);
            }
        }
    }

    /** The images of {@code data.path/data.folder}, read and split (the last {@code eval-samples} held out). */
    public static TrainingData load(VqConfig model, VqTrainSettings.Data settings) throws IOException {
        Path dir = settings.dir();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such data folder (data.path / data.folder)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(ImageFiles::isSupported).sorted().toList();
        }
        if (settings.maxSamples() > 0 && files.size() > settings.maxSamples()) {
            files = files.subList(0, settings.maxSamples());
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "no .png or .npy files in the data folder");
        }
        boolean rgbSources = settings.teacher() == VqTrainSettings.Teacher.SYNTHETIC;
        List<Raster> all = new ArrayList<>(files.size());
        for (Path f : files) {
            Raster r = rgbSources ? ImageFiles.readRgb(f) : ImageFiles.read(f, model);
            if (!rgbSources) {
                try {
                    boolean fixedSize = !model.values().patches();
                    Normalization.validate(model, fixedSize ? r : Crops.apply(r, Crops.centre(r.height(), r.width()),
                            model.imageSize(), model.imageSize(), model.values()), f.toString(), true);
                } catch (IllegalArgumentException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            all.add(r);
        }
        int evalCount = Math.min(settings.evalSamples(), all.size() - 1);
        return new TrainingData(model, settings, all.subList(0, all.size() - evalCount),
                all.subList(all.size() - evalCount, all.size()));
    }

    /**
     * Data from values in memory (natural units; RGB images in [0, 1] when the teacher is synthetic).
     */
    public static TrainingData of(VqConfig model, VqTrainSettings.Data settings, List<Raster> train,
                                  List<Raster> eval) {
        return new TrainingData(model, settings, train, eval);
    }

    /** Training images. */
    public int trainSize() {
        return train.size();
    }

    /** Held-out images. */
    public int evalSize() {
        return eval.size();
    }

    /** Side of the model input. */
    public int side() {
        return model.imageSize();
    }

    /**
     * A training batch in model space: [B, C, S, S] floats (semseg: [B, S, S] shifted labels), images drawn uniformly
     * with replacement, each augmented.
     */
    public float[] batch(int batchSize, SplittableRandom rng) {
        List<float[]> items = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            Raster src = train.get(rng.nextInt(train.size()));
            items.add(Normalization.toModel(model, prepare(src, rng)));
        }
        return concat(items);
    }

    /** The held-out images in model space, one array each (centre crops). */
    public List<float[]> evalInputs() {
        List<float[]> out = new ArrayList<>(eval.size());
        for (Raster r : eval) {
            out.add(Normalization.toModel(model, prepare(r, null)));
        }
        return out;
    }

    /** The held-out images in natural units (centre crops). */
    public List<Raster> evalValues() {
        List<Raster> out = new ArrayList<>(eval.size());
        for (Raster r : eval) {
            out.add(prepare(r, null));
        }
        return out;
    }

    /** One value ready for the model in natural units; {@code rng == null} for the evaluation crop. */
    Raster prepare(Raster src, SplittableRandom rng) {
        if (teacher != null) {
            int s = settings.teacherImageSize();
            Raster rgb = Crops.apply(src, crop(src, rng), s, s, ImageValueKit.rgb());
            return !model.values().global() ? teacher.featureMap(rgb)
                    : teacher.globalEmbedding(rgb);
        }
        if (!model.values().patches()) {
            if (rng != null && settings.hflip() && !model.values().global() && rng.nextBoolean()) {
                return Crops.apply(src, new Crops.Crop(0, 0, src.height(), src.width(), true), src.height(),
                        src.width(), model.values());
            }
            return src;
        }
        return Crops.apply(src, crop(src, rng), model.imageSize(), model.imageSize(), model.values());
    }

    private Crops.Crop crop(Raster src, SplittableRandom rng) {
        if (rng == null) {
            return Crops.centre(src.height(), src.width());
        }
        Crops.Crop c = Crops.randomResized(src.height(), src.width(), settings.minCropScale(), rng);
        return settings.hflip() ? c : new Crops.Crop(c.top(), c.left(), c.h(), c.w(), false);
    }

    private Raster centreCrop(Raster r) {
        return Crops.apply(r, Crops.centre(r.height(), r.width()), model.imageSize(), model.imageSize(),
                model.values());
    }

    private static float[] concat(List<float[]> items) {
        int n = 0;
        for (float[] a : items) {
            n += a.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] a : items) {
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }
}
