package fourm.demo;

import fourm.api.Modality;
import fourm.api.io.AtomicFiles;
import fourm.core.data.SampleFile;
import fourm.core.data.ShardedDatasetWriter;
import fourm.modality.det.Detections;
import fourm.modality.text.SequenceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the training world in fourm-core's pre-tokenized dataset format ({@code root/<modality>/shard-NNNNN.tar}):
 * per scene an int16 {@code .npy} of token ids (one crop) for each image modality, the caption as {@code .txt}
 * (tokenized by the caption modality when read), and the boxes as a {@code .npy} of text-token ids (serialised and
 * tokenized here by the det modality, whose values are not text).
 *
 * <p>The dataset is written into {@code root.tmp} and renamed to {@code root} when complete, so a folder named
 * {@code root} is always a whole dataset.
 */
public final class WorldDatasetWriter {
    /** Scenes per shard. */
    static final int SAMPLES_PER_SHARD = 1000;
    private static final int CHUNK = 64;

    private WorldDatasetWriter() {
    }

    /**
     * Tokenizes and writes the scenes.
     *
     * @param modalities the experiment's modalities (image keys, {@code caption}, {@code det}), in folder order
     * @param imageKeys  the key of each image modality
     */
    public static void write(List<SceneData> scenes, DemoTokenizers tokenizers, Map<WorldMap, String> imageKeys,
                             Map<String, Modality> modalities, Path root, DemoProgress progress) throws IOException {
        Path tmp = root.resolveSibling(root.getFileName() + ".tmp");
        deleteTree(tmp);
        SequenceTokenizer<Detections> det = DemoText.detTokenizer(modalities.get("det"));
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(tmp, new ArrayList<>(modalities.keySet()),
                SAMPLES_PER_SHARD)) {
            for (int from = 0; from < scenes.size(); from += CHUNK) {
                List<SceneData> chunk = scenes.subList(from, Math.min(scenes.size(), from + CHUNK));
                Map<WorldMap, List<int[]>> ids = new LinkedHashMap<>();
                for (WorldMap m : WorldMap.ALL) {
                    ids.put(m, tokenizers.encode(m, chunk));
                }
                for (int i = 0; i < chunk.size(); i++) {
                    SceneData s = chunk.get(i);
                    Map<String, SampleFile> files = new LinkedHashMap<>();
                    for (WorldMap m : WorldMap.ALL) {
                        files.put(imageKeys.get(m), SampleFile.tokens(new int[][] {ids.get(m).get(i)}));
                    }
                    files.put("caption", SampleFile.text(s.caption()));
                    files.put("det", SampleFile.tokens(new int[][] {det.encode(s.det())}));
                    w.write(s.key(), files);
                }
                progress.progress(from + chunk.size(), scenes.size(), "scenes tokenized");
            }
            w.finish();
        }
        deleteTree(root);
        AtomicFiles.rename(tmp, root);
    }

    /** Deletes a folder and everything in it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
