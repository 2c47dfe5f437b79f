package fourm.core.train;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.core.data.Npy;
import fourm.core.data.SampleFile;
import fourm.core.data.ShardedDatasetWriter;
import fourm.core.masking.SampleSeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A small generated dataset for tests and demos, in the pre-tokenized format of {@code fourm.core.data}, with
 * relations a micro model learns within a few hundred steps. Every sample shows one of {@value #SCENES} scenes
 * (chosen per sample from (seed, index); the scenes themselves are fixed by the seed):
 *
 * <ul>
 *   <li>{@value #RGB}: a 14x14 grid over a vocabulary of {@value #RGB_VOCAB}, four rectangles (split at a row and a
 *       column in [4, 10]) of four distinct colours;</li>
 *   <li>{@value #DEPTH}: the same grid mapped elementwise, {@code depth = (5 rgb + 3) mod 16} (vocabulary
 *       {@value #DEPTH_VOCAB});</li>
 *   <li>{@value #CAPTION}: a summary of the grid: the four colours as words {@code 210 + colour} (top-left, top-right,
 *       bottom-left, bottom-right), then the split row and column as words {@code 280 + r}, over a vocabulary of
 *       {@value #CAPTION_VOCAB} that leaves ids below 210 to [PAD], [EOS] and the sentinels.</li>
 * </ul>
 *
 * <p>A model must recognise the scene from whatever part of whichever modality masking leaves visible, and produce
 * the rest of every modality. The keys match the reference's modalities, so the modality plugins serve the toy data
 * once their vocabularies are overridden ({@code fourm.train.vocab-sizes}) and the caption is capped at
 * {@value #CAPTION_MAX_TOKENS} tokens.
 */
public final class ToyData {
    /** Grid modality key. */
    public static final String RGB = "tok_rgb@224";
    /** Elementwise-derived grid modality key. */
    public static final String DEPTH = "tok_depth@224";
    /** Summary sequence modality key. */
    public static final String CAPTION = "caption";
    /** Vocabulary of {@link #RGB}. */
    public static final int RGB_VOCAB = 32;
    /** Vocabulary of {@link #DEPTH}. */
    public static final int DEPTH_VOCAB = 16;
    /** Number of distinct scenes. */
    public static final int SCENES = 16;
    private static final long SCENE_STREAM = 0x5343454e45L;
    /** Vocabulary of {@link #CAPTION}. */
    public static final int CAPTION_VOCAB = 300;
    /** Caption length cap (max tokens of the caption modality). */
    public static final int CAPTION_MAX_TOKENS = 16;
    /** Grid side. */
    public static final int SIDE = 14;
    private static final int COLOUR_WORD = 210;
    private static final int SPLIT_WORD = 280;

    private ToyData() {
    }

    /** One generated sample. */
    public record Example(int[] rgb, int[] depth, int[] caption) {
    }

    /** Sample {@code index} of the dataset of {@code seed}. */
    public static Example example(long seed, long index) {
        int scene = SampleSeeds.forSample(seed, index).nextInt(SCENES);
        SplittableRandom rng = SampleSeeds.forSample(seed ^ SCENE_STREAM, scene);
        int[] colours = new int[4];
        for (int i = 0; i < 4; i++) {
            int c;
            boolean again;
            do {
                c = rng.nextInt(RGB_VOCAB);
                again = false;
                for (int j = 0; j < i; j++) {
                    again |= colours[j] == c;
                }
            } while (again);
            colours[i] = c;
        }
        int splitRow = 4 + rng.nextInt(7);
        int splitCol = 4 + rng.nextInt(7);
        int[] rgb = new int[SIDE * SIDE];
        int[] depth = new int[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int c = colours[(y >= splitRow ? 2 : 0) + (x >= splitCol ? 1 : 0)];
                rgb[y * SIDE + x] = c;
                depth[y * SIDE + x] = depthOf(c);
            }
        }
        int[] caption = {COLOUR_WORD + colours[0], COLOUR_WORD + colours[1], COLOUR_WORD + colours[2],
            COLOUR_WORD + colours[3], SPLIT_WORD + splitRow, SPLIT_WORD + splitCol};
        return new Example(rgb, depth, caption);
    }

    /** The elementwise relation between the two grids. */
    public static int depthOf(int rgb) {
        return (5 * rgb + 3) % DEPTH_VOCAB;
    }

    /**
     * Writes {@code samples} samples under {@code root} ({@code root/<modality>/shard-NNNNN.tar}).
     *
     * @throws IOException if a modality folder already holds shards, or writing fails
     */
    public static void write(Path root, int samples, long seed, int samplesPerShard) throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.of(RGB, DEPTH, CAPTION), samplesPerShard)) {
            for (int i = 0; i < samples; i++) {
                Example e = example(seed, i);
                Map<String, SampleFile> files = new LinkedHashMap<>();
                files.put(RGB, SampleFile.tokens(new int[][] {e.rgb()}));
                files.put(DEPTH, SampleFile.tokens(new int[][] {e.depth()}));
                files.put(CAPTION, new SampleFile("npy", Npy.writeInt16(new int[] {e.caption().length},
                        e.caption())));
                w.write(String.format(Locale.ROOT, "toy-%06d", i), files);
            }
            w.finish();
        }
    }

    /** True when {@code root} already holds a shard for every toy modality. */
    public static boolean exists(Path root) throws IOException {
        for (String m : List.of(RGB, DEPTH, CAPTION)) {
            Path dir = root.resolve(m);
            if (!Files.isDirectory(dir)) {
                return false;
            }
            try (Stream<Path> s = Files.list(dir)) {
                if (s.noneMatch(p -> p.getFileName().toString().matches("shard-\\d{5,}\\.tar"))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The toy modalities' specifications, as the plugins describe them with the toy vocabularies and caption cap. */
    public static Map<String, ModalitySpec> specs() {
        DecoderStrategy roar = new DecoderStrategy(GenerationScheme.ROAR, 1, 0.01, "constant", 2.0, 0.8);
        DecoderStrategy ar = new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 1.0, 0.8);
        Map<String, ModalitySpec> m = new LinkedHashMap<>();
        m.put(RGB, grid(RGB, RGB_VOCAB, roar));
        m.put(DEPTH, grid(DEPTH, DEPTH_VOCAB, roar));
        m.put(CAPTION, ModalitySpec.builder(CAPTION, ModalityKind.TOKEN_SEQUENCE).optVocabSize(CAPTION_VOCAB)
                .setMaxTokens(CAPTION_MAX_TOKENS).setPositional(PositionalScheme.SINCOS_1D).setEncoder(true)
                .setDecoder(true).optGeneration(ar).setMasking(MaskingPolicy.SPAN).build());
        return m;
    }

    private static ModalitySpec grid(String key, int vocab, DecoderStrategy gen) {
        return ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(vocab).optImageSize(224)
                .optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(true)
                .optGeneration(gen).setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }
}
