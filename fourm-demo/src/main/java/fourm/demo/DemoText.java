package fourm.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.io.AtomicFiles;
import fourm.modality.det.DetectionSerializer;
import fourm.modality.det.Detections;
import fourm.modality.text.CaptionSerializer;
import fourm.modality.text.SequenceTokenizer;
import fourm.modality.text.TextTokenizer;
import fourm.modality.text.TokenizerSetting;
import fourm.modality.text.WordPieceTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's two sequence modalities, {@code caption} and {@code det}, and the text tokenizer they share.
 *
 * <p>The tokenizer is learned from the training world's captions and box texts by fourm's WordPiece learner
 * ({@link WordPieceTrainer}) in the 4M id layout: the 4284 reserved ids (specials, sentinels, the {@code v0=}..
 * {@code v3=} coordinates, the COCO names) and then the world's own words, a few hundred ids instead of the builtin
 * tokenizer's 30000. The model's text tables (three per sequence modality) shrink accordingly, which is what makes the
 * model small and fast enough to train on a CPU and to ship. Boxes are written as in the reference
 * ({@link DetectionSerializer}: {@code v0=X0 v1=Y0 v2=X1 v3=Y1 name}, 1000 coordinate bins).
 */
public final class DemoText {
    /** The tokenizer file under the output folder. */
    public static final String TOKENIZER_FILE = "text-tokenizer.json";
    private static final String CAPTION_NODE = "fourm.modality.text.caption";
    private static final String DET_NODE = "fourm.modality.det.tokens";

    private DemoText() {
    }

    /** The texts the tokenizer learns from: every caption and every box list of the scenes. */
    static List<String> corpus(List<SceneData> scenes) {
        DetectionSerializer det = DetectionSerializer.reference();
        List<String> out = new ArrayList<>(2 * scenes.size());
        for (SceneData s : scenes) {
            out.add(s.caption());
            out.add(det.toText(s.det()));
        }
        return out;
    }

    /**
     * Learns the tokenizer from the training scenes and writes it to {@code file} (temporary name, then rename).
     *
     * @return the tokenizer
     */
    public static TextTokenizer train(List<SceneData> scenes, DemoSettings.Text settings, Path file)
            throws IOException {
        String json = new WordPieceTrainer(settings.vocabSize(), settings.minFrequency()).train(corpus(scenes));
        AtomicFiles.writeString(file, json);
        return load(file);
    }

    /**
     * Loads a tokenizer file and checks that it has the 4M id layout.
     *
     * @throws IllegalArgumentException naming the file when it is not such a tokenizer
     */
    public static TextTokenizer load(Path file) {
        TextTokenizer t = TextTokenizer.load(file);
        t.requireReferenceLayout();
        return t;
    }

    /** {@code caption}: the text plugin's specification with the tokenizer's vocabulary and the demo's budget. */
    public static Modality caption(Config root, TextTokenizer tokenizer, int maxTokens) {
        return Modality.of(spec(root, CAPTION_NODE, tokenizer, maxTokens),
                new SequenceTokenizer<>(CaptionSerializer.INSTANCE, tokenizer));
    }

    /** {@code det}: the box plugin's specification with the tokenizer's vocabulary and the demo's budget. */
    public static Modality det(Config root, TextTokenizer tokenizer, int maxTokens) {
        return Modality.of(spec(root, DET_NODE, tokenizer, maxTokens),
                new SequenceTokenizer<>(DetectionSerializer.reference(), tokenizer));
    }

    /** The box tokenizer of a det modality made by {@link #det}. */
    @SuppressWarnings("unchecked")
    static SequenceTokenizer<Detections> detTokenizer(Modality det) {
        return (SequenceTokenizer<Detections>) det.tokenizer().orElseThrow();
    }

    /** The caption tokenizer of a caption modality made by {@link #caption}. */
    @SuppressWarnings("unchecked")
    static SequenceTokenizer<String> captionTokenizer(Modality caption) {
        return (SequenceTokenizer<String>) caption.tokenizer().orElseThrow();
    }

    private static ModalitySpec spec(Config root, String path, TextTokenizer tokenizer, int maxTokens) {
        if (!root.hasPath(path)) {
            throw new IllegalStateException("the configuration has no '" + path + "': the modality plugin is not on"
                    + " the module path");
        }
        Config node = TokenizerSetting.withoutSetting(root.getConfig(path))
                .withValue("vocab-size", ConfigValueFactory.fromAnyRef(tokenizer.vocabSize()))
                .withValue("max-tokens", ConfigValueFactory.fromAnyRef(maxTokens));
        if (node.hasPath("max-length")) {
            node = node.withoutPath("max-length");
        }
        return ModalitySpec.fromConfig(node);
    }
}
