package fourm.vq.pretokenize;

import fourm.core.io.Npy;
import fourm.core.data.SampleFile;
import fourm.core.io.ShardFormatException;
import fourm.core.data.ShardedDatasetReader;
import fourm.core.data.ShardedDatasetWriter;
import fourm.core.data.TarReader;
import fourm.vq.ImageTokenizer;
import fourm.vq.ImageValues;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.VqConfig;
import fourm.vq.io.Crops;
import fourm.vq.io.ImageFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Pre-tokenization of raw images and maps into fourm-core's dataset format (spec-4m.md §9): a folder of files
 * {@code <key>.png} or {@code <key>.npy} becomes {@code <out>/<modality>/shard-NNNNN.tar} with one int16 {@code .npy}
 * of shape (n_crops, n_tokens) per sample.
 *
 * <p><b>Crops.</b> Each sample gets {@code crops} crops: crop 0 the centred square, not flipped; the others random
 * resized crops (area scale in {@code [minCropScale, 1]}, aspect ratio in [3/4, 4/3]) flipped with probability 1/2,
 * drawn from a stream made of the seed and the sample's key. The crop settings are computed <b>once per sample</b>
 * and stored beside the tokens as the reference does, {@code <out>/crop_settings/shard-NNNNN.tar} with an int16
 * {@code (n_crops, 5)} array {@code [top, left, h, w, hflip]} per sample; a later run for another modality of the same
 * samples into the same dataset reads them back and applies the very same crops, so the tokens of all modalities stay
 * aligned. Such a run must cover exactly the same keys (and so gets the same shards).
 *
 * <p>Crop settings are in the pixels of the images they were made from (the first modality pre-tokenized). A map of
 * another size (a feature map at token resolution) gets them scaled by its size over that source size, which is read
 * off crop 0 (a centred square: source height {@code 2 top + h}, width {@code 2 left + w}). Global embeddings have no
 * extent: every crop gets the embedding's tokens (the reference recomputes its teacher per crop).
 */
public final class ImagePretokenizer {
    /** The folder of the crop settings in a dataset. */
    public static final String CROP_SETTINGS = "crop_settings";

    private ImagePretokenizer() {
    }

    /**
     * What to do.
     *
     * @param images          folder of {@code <key>.png} / {@code <key>.npy} files
     * @param out             dataset root
     * @param modality        the modality folder to write ({@code tok_rgb@224}, ...)
     * @param crops           crops per sample when the crop settings are made here, at least 1
     * @param minCropScale    random crops' smallest area fraction, in (0, 1]
     * @param seed            seed of the random crops
     * @param samplesPerShard samples per shard
     */
    public record Options(Path images, Path out, String modality, int crops, double minCropScale, long seed,
                          int samplesPerShard) {
        /** Checks the values. */
        public Options {
            Objects.requireNonNull(images, "images");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(modality, "modality");
            if (crops < 1) {
                throw new IllegalArgumentException("crops must be >= 1, got " + crops);
            }
            if (!(minCropScale > 0 && minCropScale <= 1)) {
                throw new IllegalArgumentException("min crop scale must be in (0, 1], got " + minCropScale);
            }
            if (samplesPerShard < 1) {
                throw new IllegalArgumentException("samples per shard must be >= 1, got " + samplesPerShard);
            }
        }
    }

    /**
     * What a run wrote.
     *
     * @param samples            samples written
     * @param cropsPerSample     crops of each sample
     * @param tokensPerCrop      tokens of each crop
     * @param shards             shard files written
     * @param cropSettingsReused true when the dataset's crop settings were read, false when they were made here
     */
    public record Summary(int samples, int cropsPerSample, int tokensPerCrop, List<Path> shards,
                          boolean cropSettingsReused) {
    }

    /**
     * Pre-tokenizes a folder.
     *
     * @param progress receives one line per finished batch of samples
     * @throws IOException              for unreadable or mismatching files (named in the message), existing shards of
     *                                  the modality, or crop settings that do not cover the same keys
     */
    public static Summary run(ImageTokenizer tokenizer, Options o, Consumer<String> progress) throws IOException {
        VqConfig c = tokenizer.config();
        Map<String, Path> files = list(o.images());
        Map<String, int[][]> crops = readCropSettings(o.out());
        boolean reuse = !crops.isEmpty();
        if (reuse) {
            if (!crops.keySet().equals(files.keySet())) {
                List<String> missing = new ArrayList<>(files.keySet());
                missing.removeAll(crops.keySet());
                List<String> extra = new ArrayList<>(crops.keySet());
                extra.removeAll(files.keySet());
                throw new IOException(o.out().resolve(CROP_SETTINGS) + " holds crop settings for other samples than "
                        + o.images() + (missing.isEmpty() ? "" : "; no settings for " + first(missing))
                        + (extra.isEmpty() ? "" : "; no image for " + first(extra))
                        + "; pre-tokenize every modality of a dataset from the same keys");
            }
        }
        List<String> modalities = reuse ? List.of(o.modality()) : List.of(o.modality(), CROP_SETTINGS);
        int tokensPerCrop = -1;
        int cropsPerSample = -1;
        int done = 0;
        List<String> keys = new ArrayList<>(files.keySet());
        int chunk = Math.max(1, tokenizer.batchSize());
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(o.out(), modalities, o.samplesPerShard())) {
            for (int from = 0; from < keys.size(); from += chunk) {
                List<String> batchKeys = keys.subList(from, Math.min(keys.size(), from + chunk));
                List<Raster> views = new ArrayList<>();
                List<int[][]> batchCrops = new ArrayList<>();
                for (String key : batchKeys) {
                    Path f = files.get(key);
                    Raster r = ImageFiles.read(f, c);
                    int[][] rows = reuse ? crops.get(key) : makeCrops(r, o, key);
                    if (cropsPerSample >= 0 && rows.length != cropsPerSample) {
                        throw new IOException(o.out().resolve(CROP_SETTINGS) + ": sample " + key + " has "
                                + rows.length + " crops, the others " + cropsPerSample);
                    }
                    cropsPerSample = rows.length;
                    batchCrops.add(rows);
                    for (int[] row : rows) {
                        try {
                            views.add(view(r, Crops.Crop.fromRow(row), rows[0], c));
                        } catch (IllegalArgumentException e) {
                            throw new IOException(f + ": " + e.getMessage(), e);
                        }
                    }
                }
                List<TokenGrid> grids;
                try {
                    grids = tokenizer.encode(views);
                } catch (IllegalArgumentException e) {
                    throw new IOException("samples " + batchKeys.get(0) + ".." + batchKeys.get(batchKeys.size() - 1)
                            + " of " + o.images() + ": " + e.getMessage(), e);
                }
                int g = 0;
                for (int i = 0; i < batchKeys.size(); i++) {
                    int[][] tokens = new int[cropsPerSample][];
                    for (int k = 0; k < cropsPerSample; k++) {
                        tokens[k] = grids.get(g++).tokens();
                    }
                    tokensPerCrop = tokens[0].length;
                    Map<String, SampleFile> sample = new LinkedHashMap<>();
                    sample.put(o.modality(), SampleFile.tokens(tokens));
                    if (!reuse) {
                        sample.put(CROP_SETTINGS, SampleFile.tokens(batchCrops.get(i)));
                    }
                    w.write(batchKeys.get(i), sample);
                }
                done += batchKeys.size();
                progress.accept(done + "/" + keys.size() + " samples");
            }
            w.finish();
            return new Summary(done, cropsPerSample, tokensPerCrop, w.shards(), reuse);
        }
    }

    /** The value a crop gives to the tokenizer. */
    private static Raster view(Raster r, Crops.Crop crop, int[] crop0, VqConfig c) {
        ImageValues f = c.values();
        if (f.global()) {
            return r;
        }
        if (!f.patches()) {
            int srcH = 2 * crop0[0] + crop0[2];
            int srcW = 2 * crop0[1] + crop0[3];
            Crops.Crop scaled = crop.scaled((double) r.height() / srcH, (double) r.width() / srcW);
            return Crops.apply(r, scaled, c.imageSize(), c.imageSize(), f);
        }
        return Crops.apply(r, crop, c.imageSize(), c.imageSize(), f);
    }

    /** Crop 0 centred, the others random, from the seed and the key. */
    static int[][] makeCrops(Raster r, Options o, String key) {
        SplittableRandom rng = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + key.hashCode());
        int[][] rows = new int[o.crops()][];
        rows[0] = Crops.centre(r.height(), r.width()).toRow();
        for (int i = 1; i < o.crops(); i++) {
            rows[i] = Crops.randomResized(r.height(), r.width(), o.minCropScale(), rng).toRow();
        }
        return rows;
    }

    /**
     * The sample keys a run over the images in {@code dir} writes, in order.
     *
     * @throws IOException if the folder is missing, holds no image, or two images share a key
     */
    public static List<String> sampleKeys(Path dir) throws IOException {
        return new ArrayList<>(list(dir).keySet());
    }

    private static Map<String, Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such folder of images");
        }
        Map<String, Path> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(ImageFiles::isSupported).sorted().toList()) {
                String name = p.getFileName().toString();
                String key = name.substring(0, name.indexOf('.'));
                if (!key.matches("[A-Za-z0-9_-]+")) {
                    throw new IOException(p + ": the sample key '" + key + "' (the name up to its first dot) must be"
                            + " letters, digits, _ and -");
                }
                Path prev = out.put(key, p);
                if (prev != null) {
                    throw new IOException(p + " and " + prev + " have the same sample key '" + key + "'");
                }
            }
        }
        if (out.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "no .png or .npy files to pre-tokenize");
        }
        return out;
    }

    /** The crop settings of a dataset by key (empty when it has none). */
    public static Map<String, int[][]> readCropSettings(Path out) throws IOException {
        Path dir = out.resolve(CROP_SETTINGS);
        Map<String, int[][]> crops = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return crops;
        }
        List<Path> shards;
        try (Stream<Path> s = Files.list(dir)) {
            shards = s.filter(p -> ShardedDatasetReader.SHARD_NAME.matcher(p.getFileName().toString()).matches())
                    .sorted().toList();
        }
        for (Path shard : shards) {
            try (TarReader r = new TarReader(new BufferedInputStream(Files.newInputStream(shard)), shard.toString())) {
                for (TarReader.Entry e = r.next(); e != null; e = r.next()) {
                    String name = e.name();
                    if (!name.endsWith(".npy")) {
                        throw new IOException(shard + ": member " + name + " is not a .npy of crop settings");
                    }
                    Npy.Array a;
                    try {
                        a = Npy.read(e.data());
                    } catch (ShardFormatException ex) {
                        throw new IOException(shard + ": member " + name + ": " + ex.getMessage(), ex);
                    }
                    if (a.shape().length != 2 || a.shape()[1] != 5) {
                        throw new IOException(shard + ": member " + name + " has shape "
                                + java.util.Arrays.toString(a.shape()) + "; crop settings are (n_crops, 5)");
                    }
                    int[][] rows = new int[a.rows()][];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = a.row(i);
                    }
                    crops.put(name.substring(0, name.indexOf('.')), rows);
                }
            }
        }
        return crops;
    }

    private static String first(List<String> keys) {
        return keys.size() == 1 ? "'" + keys.get(0) + "'" : "'" + keys.get(0) + "' and " + (keys.size() - 1)
                + " more";
    }
}
