package fourm.modality.text;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded corpus of texts of every kind the sequence modalities produce: captions, detection-, metadata-, palette-,
 * pose- and SAM-like sequences, and odd cases (accents, punctuation, unknown words, multi-word class names, digits next
 * to coordinate tokens, misspelt tokens).
 */
final class TextCorpus {
    private static final String[] SUBJECTS = {"a man", "A woman", "two dogs", "the cat", "a group of people",
        "an old Truck", "children", "a Person", "the chef", "a surfer", "three zebras", "a red bus", "Café owner"};
    private static final String[] VERBS = {"riding", "holding", "standing next to", "eating", "looking at",
        "sitting on", "walking past", "jumping over", "parked near", "playing with"};
    private static final String[] OBJECTS = {"a horse", "a traffic light", "the beach", "a cell phone", "pizza",
        "a teddy bear", "hot dogs", "a dining table", "an umbrella", "the snowboard", "a wine glass", "skis",
        "a fire hydrant", "the river bank", "a naïve painting", "crème brûlée", "Zürich's old town", "東京タワー"};
    private static final String[] ENDINGS = {".", "!", "?", ", at night.", " in the rain", "", " (blurry)",
        "; close-up.", " -- 2019", " #sunset", " don't miss it", " it's great", " 100%", " $5.99"};

    private TextCorpus() {
    }

    static List<String> generate(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            texts.add(pick(r, SUBJECTS) + " " + pick(r, VERBS) + " " + pick(r, OBJECTS) + pick(r, ENDINGS));
        }
        List<String> classes = CocoClasses.names();
        for (int i = 0; i < 50; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = 0, n = r.nextInt(1, 6); k < n; k++) {
                b.append(k > 0 ? " " : "").append(coords(r, 4, 1000)).append(' ')
                        .append(classes.get(r.nextInt(classes.size())));
            }
            texts.add(b.toString());
        }
        for (int i = 0; i < 30; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = 0, n = r.nextInt(1, 21); k < n; k++) {
                b.append(k > 0 ? " " : "").append("v1=").append(r.nextInt(21)).append(" v0=").append(r.nextInt(1000));
            }
            texts.add(b.toString());
        }
        for (int i = 0; i < 30; i++) {
            int k = r.nextInt(1, 8);
            StringBuilder b = new StringBuilder("v1=" + k);
            for (int c = 0; c < 3 * k; c++) {
                b.append(" v0=").append(r.nextInt(256));
            }
            texts.add(b.toString());
        }
        for (int i = 0; i < 30; i++) {
            StringBuilder b = new StringBuilder("human ").append(coords(r, 4, 1000)).append(" pose");
            for (int t = 0; t < 8; t++) {
                b.append(r.nextBoolean() ? " v0=" : " v1=").append(r.nextInt(512));
            }
            b.append(" global");
            for (int t = 0; t < 9; t++) {
                b.append(" v0=").append(r.nextInt(1000));
            }
            b.append(" camera v0=").append(r.nextInt(1000)).append(" v0=").append(r.nextInt(1000)).append(" shape");
            texts.add(b.toString());
        }
        for (int i = 0; i < 30; i++) {
            StringBuilder b = new StringBuilder("point v0=" + r.nextInt(224) + " v1=" + r.nextInt(224));
            if (r.nextInt(3) == 0) {
                b.append(" none");
            } else {
                b.append(" polygon ").append(coords(r, 4, 224));
                for (int t = 0; t < 16; t++) {
                    b.append(r.nextBoolean() ? " v0=" : " v1=").append(r.nextInt(512));
                }
            }
            texts.add(b.toString());
        }
        texts.addAll(List.of("", " ", "\t\n", "v0=12three", "v0=1000", "v4=3", "V0=12", "v0=012", "v0=-1", "v0=12,",
                "(v0=5)", "v0=0v1=0", "v0=999.", "[S_1]", "[S_1]x", "x [S_1] y", "[s_1]", "[S_200]", "[PAD][EOS]",
                "a[EOS]b", "traffic light", "Traffic Light", "TRAFFIC  LIGHT", "traffic\tlight", "trafficlight",
                "traffic lights", "hot dog hotdog hot-dog", "cell phone-case", "personperson person, person.",
                "12345 3.14159 1,000,000", "e.g. U.S.A. Mr. Smith's", "naïve façade résumé Ångström",
                "Straße Œuvre æon ﬁsh", "emoji 🙂 👍🏽 ok", "北京 東京 서울 Москва", "tab\tseparated\nnew line",
                "x".repeat(101), "y".repeat(100), "supercalifragilisticexpialidocious",
                "unk qwxzv blorptastic", "\"quoted\" 'single' «guillemets»", "a---b___c...d", "[UNK] [SOS] [MASK]",
                "v0=5 v1=6 v2=7 v3=8 toothbrush v0=1 v1=1 v2=2 v3=2 hair drier", "zebra zebras zebra's"));
        return texts;
    }

    private static String coords(SplittableRandom r, int axes, int bins) {
        StringBuilder b = new StringBuilder();
        for (int a = 0; a < axes; a++) {
            b.append(a > 0 ? " " : "").append('v').append(a).append('=').append(r.nextInt(bins));
        }
        return b.toString();
    }

    private static String pick(SplittableRandom r, String[] options) {
        return options[r.nextInt(options.length)];
    }
}
