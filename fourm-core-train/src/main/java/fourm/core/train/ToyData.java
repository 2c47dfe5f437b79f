package fourm.core.train;

import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.core.io.Npy;
import fourm.core.data.SampleFile;
import fourm.core.data.ShardedDatasetWriter;
import fourm.core.masking.SampleSeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A small generated dataset for tests and demos, in the pre-tokenized format of {@code fourm.core.data}, with
 * relations a micro model learns within a few hundred steps. Every sample shows one of {@value #SCENES} scenes
 * (chosen per sample from (seed, index); the scenes themselves are fixed by the seed), written into the experiment's
 * own modalities by the role their layouts give them:
 *
 * <ul>
 *   <li>the scene: the first {@value #SIDE}x{@value #SIDE} grid of token ids, four rectangles (split at a row and a
 *       column in [4, 10]) of four distinct colours out of {@value #SCENE_VOCAB};</li>
 *   <li>derived grids: every further {@value #SIDE}x{@value #SIDE} grid of ids, the scene mapped elementwise,
 *       {@code (5 colour + 3) mod 16} (vocabulary {@value #DERIVED_VOCAB});</li>
 *   <li>captions: every sequence of token ids holds a summary of the scene: the four colours as words
 *       {@code 210 + colour} (top-left, top-right, bottom-left, bottom-right), then the split row and column as words
 *       {@code 280 + r}, over a vocabulary of {@value #CAPTION_VOCAB} that leaves ids below 210 to [PAD], [EOS] and
 *       the sentinels.</li>
 * </ul>
 *
 * <p>A model must recognise the scene from whatever part of whichever modality masking leaves visible, and produce
 * the rest of every modality. The modality plugins serve the toy data once their vocabularies are overridden
 * ({@code fourm.train.vocab-sizes}) and the caption is capped at {@value #CAPTION_MAX_TOKENS} tokens (see
 * {@code examples/experiments/toy.conf}).
 */
public final class ToyData {
    /** Colours of the scene grid: its vocabulary must hold at least these. */
    public static final int SCENE_VOCAB = 32;
    /** Vocabulary a derived grid needs. */
    public static final int DERIVED_VOCAB = 16;
    /** Number of distinct scenes. */
    public static final int SCENES = 16;
    private static final long SCENE_STREAM = 0x5343454e45L;
    /** Vocabulary a caption needs. */
    public static final int CAPTION_VOCAB = 300;
    /** Caption length cap the toy experiment uses (max tokens of a caption modality). */
    public static final int CAPTION_MAX_TOKENS = 16;
    /** Grid side. */
    public static final int SIDE = 14;
    private static final int CAPTION_WORDS = 6;
    private static final int COLOUR_WORD = 210;
    private static final int SPLIT_WORD = 280;

    private ToyData() {
    }

    /** One generated sample: the scene grid, a derived grid and the caption. */
    public record Example(int[] scene, int[] derived, int[] caption) {
    }

    /**
     * The role each modality plays, from its layout and in the order given: the first grid is the scene, further
     * grids are derived from it, sequences of token ids are captions.
     *
     * @param scene   the scene grid's key
     * @param derived the derived grids' keys
     * @param caption the caption sequences' keys
     */
    public record Roles(String scene, List<String> derived, List<String> caption) {
        /** Copies the lists. */
        public Roles {
            derived = List.copyOf(derived);
            caption = List.copyOf(caption);
        }

        /** Every key, scene first. */
        public List<String> keys() {
            List<String> all = new ArrayList<>();
            all.add(scene);
            all.addAll(derived);
            all.addAll(caption);
            return all;
        }
    }

    /**
     * Assigns the toy roles to an experiment's modalities.
     *
     * @throws IllegalArgumentException naming the modality whose layout or vocabulary does not fit a role, or when
     *                                  no modality is a {@value #SIDE}x{@value #SIDE} grid of ids
     */
    public static Roles roles(Map<String, ModalitySpec> modalities) {
        String scene = null;
        List<String> derived = new ArrayList<>();
        List<String> caption = new ArrayList<>();
        for (ModalitySpec spec : modalities.values()) {
            TokenLayout layout = spec.layout();
            int vocab = spec.vocabSize().orElse(0);
            if (!layout.discrete()) {
                throw new IllegalArgumentException("toy data: " + spec.key() + " takes values (" + layout.name()
                        + "); the toy data holds token ids only");
            }
            if (layout.sequence()) {
                if (vocab < CAPTION_VOCAB || layout.maxTokens() < CAPTION_WORDS + 1) {
                    throw new IllegalArgumentException("toy data: the caption " + spec.key() + " needs a vocabulary"
                            + " of at least " + CAPTION_VOCAB + " and room for " + (CAPTION_WORDS + 1)
                            + " tokens, it has " + vocab + " and " + layout.maxTokens());
                }
                caption.add(spec.key());
                continue;
            }
            if (!Arrays.equals(layout.gridShape(), new int[] {SIDE, SIDE})) {
                throw new IllegalArgumentException("toy data: " + spec.key() + " is a grid of "
                        + Arrays.toString(layout.gridShape()) + " tokens, the toy scenes are " + SIDE + "x" + SIDE);
            }
            int needed = scene == null ? SCENE_VOCAB : DERIVED_VOCAB;
            if (vocab < needed) {
                throw new IllegalArgumentException("toy data: " + spec.key() + " needs a vocabulary of at least "
                        + needed + " (set fourm.train.vocab-sizes), it has " + vocab);
            }
            if (scene == null) {
                scene = spec.key();
            } else {
                derived.add(spec.key());
            }
        }
        if (scene == null) {
            throw new IllegalArgumentException("toy data needs a " + SIDE + "x" + SIDE + " grid of token ids among the"
                    + " modalities " + modalities.keySet());
        }
        return new Roles(scene, derived, caption);
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
                c = rng.nextInt(SCENE_VOCAB);
                again = false;
                for (int j = 0; j < i; j++) {
                    again |= colours[j] == c;
                }
            } while (again);
            colours[i] = c;
        }
        int splitRow = 4 + rng.nextInt(7);
        int splitCol = 4 + rng.nextInt(7);
        int[] grid = new int[SIDE * SIDE];
        int[] derived = new int[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int c = colours[(y >= splitRow ? 2 : 0) + (x >= splitCol ? 1 : 0)];
                grid[y * SIDE + x] = c;
                derived[y * SIDE + x] = derivedOf(c);
            }
        }
        int[] caption = {COLOUR_WORD + colours[0], COLOUR_WORD + colours[1], COLOUR_WORD + colours[2],
            COLOUR_WORD + colours[3], SPLIT_WORD + splitRow, SPLIT_WORD + splitCol};
        return new Example(grid, derived, caption);
    }

    /** The elementwise relation between the scene and a derived grid. */
    public static int derivedOf(int colour) {
        return (5 * colour + 3) % DERIVED_VOCAB;
    }

    /**
     * Writes {@code samples} samples under {@code root} ({@code root/<modality>/shard-NNNNN.tar}) into the given
     * modalities, by their {@link #roles roles}; every file is checked against its modality's layout as the reader
     * will check it.
     *
     * @throws IOException              if a modality folder already holds shards, or writing fails
     * @throws IllegalArgumentException if a modality does not fit a role
     */
    public static void write(Path root, Map<String, ModalitySpec> modalities, int samples, long seed,
                             int samplesPerShard) throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        Roles roles = roles(modalities);
        Map<String, ModalitySpec> specs = new LinkedHashMap<>();
        roles.keys().forEach(k -> specs.put(k, modalities.get(k)));
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, specs, samplesPerShard)) {
            for (int i = 0; i < samples; i++) {
                Example e = example(seed, i);
                Map<String, SampleFile> files = new LinkedHashMap<>();
                files.put(roles.scene(), SampleFile.tokens(new int[][] {e.scene()}));
                for (String k : roles.derived()) {
                    files.put(k, SampleFile.tokens(new int[][] {e.derived()}));
                }
                for (String k : roles.caption()) {
                    files.put(k, new SampleFile("npy", Npy.writeInt16(new int[] {e.caption().length},
                            e.caption())));
                }
                w.write(String.format(Locale.ROOT, "toy-%06d", i), files);
            }
            w.finish();
        }
    }

    /** True when {@code root} already holds a shard for every one of the modalities. */
    public static boolean exists(Path root, Collection<String> modalities) throws IOException {
        for (String m : modalities) {
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
}
