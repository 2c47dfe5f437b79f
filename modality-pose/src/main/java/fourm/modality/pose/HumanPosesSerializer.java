package fourm.modality.pose;

import fourm.modality.text.Decoded;
import fourm.modality.text.TextSerializer;
import fourm.modality.text.TokenLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code human_poses} as text (spec §6.3). Each human is {@code human v0=X0 v1=Y0 v2=X1 v3=Y1} (box x 999) followed by
 * four groups, 39 words in all:
 * <ul>
 *   <li>{@code pose} + 8 tokens: codes below 512 as {@code v0=code}, the others as {@code v1=code-512};</li>
 *   <li>{@code global} + 9 rotation-matrix entries: {@code v0=round(499.5 x + 499.5)}, x clipped to [-1, 1];</li>
 *   <li>{@code camera} + 3 values: {@code v0=round(49.95 x + 49.95)}, x clipped to [-1, 19];</li>
 *   <li>{@code shape} + 10 betas: {@code v0=round(166.5 x + 499.5)}, x clipped to [-3, 3].</li>
 * </ul>
 * Rounding is half to even, as Python's. Humans are joined by spaces; no human is {@code none}.
 * {@link #toText(HumanPoses)} writes the groups in the order above; {@link #toText(HumanPoses, SplittableRandom)}
 * shuffles them per human, as the reference does in training. Decoded values are the centres of the bins above.
 *
 * <p>Reading is tolerant: a human is {@code human}, four box coordinates in order, then the four groups, each exactly
 * once, in any order, each with its exact number of valid values. Every word outside a valid human is skipped and
 * counted ({@code none} alone is no human and nothing skipped).
 */
public final class HumanPosesSerializer implements TextSerializer<HumanPoses> {
    /** The shared instance (stateless). */
    public static final HumanPosesSerializer INSTANCE = new HumanPosesSerializer();
    private static final List<String> GROUPS = List.of("pose", "global", "camera", "shape");
    private static final int[] GROUP_SIZES = {8, 9, 3, 10};

    private HumanPosesSerializer() {
    }

    @Override
    public Class<HumanPoses> valueType() {
        return HumanPoses.class;
    }

    /** Bin of a global-orientation entry. */
    public static int globalBin(double x) {
        return (int) Math.rint(499.5 * clip(x, -1, 1) + 499.5);
    }

    /** Value of a global-orientation bin. */
    public static double globalValue(int bin) {
        return (bin - 499.5) / 499.5;
    }

    /** Bin of a camera value. */
    public static int cameraBin(double x) {
        return (int) Math.rint(49.95 * clip(x, -1, 19) + 49.95);
    }

    /** Value of a camera bin. */
    public static double cameraValue(int bin) {
        return (bin - 49.95) / 49.95;
    }

    /** Bin of a shape coefficient. */
    public static int shapeBin(double x) {
        return (int) Math.rint(166.5 * clip(x, -3, 3) + 499.5);
    }

    /** Value of a shape bin. */
    public static double shapeValue(int bin) {
        return (bin - 499.5) / 166.5;
    }

    /** Bin of a normalised box coordinate: {@code round(x * 999)}. */
    public static int boxBin(double x) {
        return (int) Math.rint(x * 999);
    }

    @Override
    public String toText(HumanPoses value) {
        return write(value, null);
    }

    /** The text with each human's four groups in an order drawn from {@code random}. */
    public String toText(HumanPoses value, SplittableRandom random) {
        return write(value, random);
    }

    private String write(HumanPoses value, SplittableRandom random) {
        if (value == null) {
            throw new IllegalArgumentException("human_poses: expected a value, got null");
        }
        if (value.humans().isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        for (Human h : value.humans()) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append("human ").append(TokenLayout.coordinate(0, boxBin(h.xmin()))).append(' ')
                    .append(TokenLayout.coordinate(1, boxBin(h.ymin()))).append(' ')
                    .append(TokenLayout.coordinate(2, boxBin(h.xmax()))).append(' ')
                    .append(TokenLayout.coordinate(3, boxBin(h.ymax())));
            int[] order = {0, 1, 2, 3};
            if (random != null) {
                for (int i = 3; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            for (int g : order) {
                out.append(' ').append(GROUPS.get(g));
                switch (g) {
                    case 0:
                        h.poseTokens().forEach(t -> out.append(' ').append(TokenLayout.codeToken(t)));
                        break;
                    case 1:
                        h.globalOrient().forEach(x -> out.append(' ').append(TokenLayout.coordinate(0, globalBin(x))));
                        break;
                    case 2:
                        h.camera().forEach(x -> out.append(' ').append(TokenLayout.coordinate(0, cameraBin(x))));
                        break;
                    default:
                        h.betas().forEach(x -> out.append(' ').append(TokenLayout.coordinate(0, shapeBin(x))));
                }
            }
        }
        return out.toString();
    }

    @Override
    public Decoded<HumanPoses> fromText(String text) {
        List<String> words = TextSerializer.words(text);
        if (words.size() == 1 && words.get(0).equals("none")) {
            return new Decoded<>(new HumanPoses(List.of()), 0);
        }
        List<Human> humans = new ArrayList<>();
        int skipped = 0;
        int i = 0;
        while (i < words.size()) {
            int end = parse(words, i, humans);
            if (end < 0) {
                skipped++;
                i++;
            } else {
                i = end;
            }
        }
        return new Decoded<>(new HumanPoses(humans), skipped);
    }

    private static int parse(List<String> words, int i, List<Human> out) {
        if (i + 39 > words.size() || !words.get(i).equals("human")) {
            return -1;
        }
        int[] box = new int[4];
        for (int a = 0; a < 4; a++) {
            box[a] = TokenLayout.parseCoordinate(words.get(i + 1 + a), a);
            if (box[a] < 0) {
                return -1;
            }
        }
        int j = i + 5;
        int[][] values = new int[4][];
        for (int n = 0; n < 4; n++) {
            int g = GROUPS.indexOf(words.get(j));
            if (g < 0 || values[g] != null) {
                return -1;
            }
            int[] v = new int[GROUP_SIZES[g]];
            for (int k = 0; k < v.length; k++) {
                String w = words.get(j + 1 + k);
                v[k] = g == 0 ? TokenLayout.parseCodeToken(w) : TokenLayout.parseCoordinate(w, 0);
                if (v[k] < 0) {
                    return -1;
                }
            }
            values[g] = v;
            j += 1 + v.length;
        }
        out.add(new Human(box[0] / 999.0, box[1] / 999.0, box[2] / 999.0, box[3] / 999.0,
                Arrays.stream(values[0]).boxed().toList(),
                Arrays.stream(values[1]).mapToObj(HumanPosesSerializer::globalValue).toList(),
                Arrays.stream(values[2]).mapToObj(HumanPosesSerializer::cameraValue).toList(),
                Arrays.stream(values[3]).mapToObj(HumanPosesSerializer::shapeValue).toList()));
        return j;
    }

    private static double clip(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
