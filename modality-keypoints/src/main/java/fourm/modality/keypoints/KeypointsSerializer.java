package fourm.modality.keypoints;

import fourm.api.label.Keypoints;
import fourm.modality.text.Decoded;
import fourm.modality.text.TextSerializer;
import fourm.modality.text.TokenLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code keypoints} as text, in the shared 4M text vocabulary (no new ids).
 *
 * <p>Writing: for each person, the keypoints scoring at least {@value #VISIBILITY_THRESHOLD} are visible. A person
 * with a visible keypoint is written {@code person} followed, for each visible keypoint in COCO order, by
 * {@code v2=K v0=X v1=Y}: {@code K} the keypoint's index in {@link #COCO_17} (0 = nose .. 16 = right ankle),
 * {@code X = round(x * 999)}, {@code Y = round(y * 999)} (1000 bins, round half to even as det). As in the reference's
 * metadata ({@code v1=type v0=value}), a coordinate axis not otherwise used names what follows. People are sorted by
 * {@code X0^2 + Y0^2} of the top-left corner of their visible keypoints (det's order, stable) and joined by spaces;
 * people without a visible keypoint are not written, and no people is the empty text. A person takes at most
 * {@code 1 + 17 x 3 = 52} tokens.
 *
 * <p>Example (one person, nose and both eyes visible): {@code person v2=0 v0=432 v1=235 v2=1 v0=481 v1=196 v2=2 v0=397
 * v1=192}.
 *
 * <p>Reading is tolerant: {@code person} starts a pose, each well-formed triple with a new keypoint index sets that
 * keypoint to {@code (X / 999, Y / 999)} with score 1; keypoints not listed are {@code (0, 0)} with score 0; the pose
 * score is 1. Every other word is skipped and counted, and a {@code person} without a valid triple is skipped.
 */
public final class KeypointsSerializer implements TextSerializer<Keypoints> {
    /** The COCO-17 keypoint names, in order. */
    public static final List<String> COCO_17 = List.of(
            "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
            "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
            "right_knee", "left_ankle", "right_ankle");
    /** Keypoints scoring below this are not written (MoveNet's recommended confidence threshold). */
    public static final double VISIBILITY_THRESHOLD = 0.3;
    /** The word that starts a person; a single id of the text vocabulary (a COCO class name). */
    public static final String PERSON = "person";
    private static final int LAST_BIN = TokenLayout.COORDINATE_BINS - 1;
    private static final int INDEX_AXIS = 2;

    @Override
    public Class<Keypoints> valueType() {
        return Keypoints.class;
    }

    /** The coordinate bin of a normalised coordinate: {@code round(x * 999)}, half to even. */
    public static int bin(double x) {
        return (int) Math.rint(x * LAST_BIN);
    }

    @Override
    public String toText(Keypoints value) {
        if (value == null) {
            throw new IllegalArgumentException("keypoints: expected keypoints, got null");
        }
        if (!value.names().equals(COCO_17)) {
            throw new IllegalArgumentException("keypoints: expected the COCO-17 keypoints " + COCO_17 + ", got "
                    + value.names());
        }
        record Person(int order, int[] xy, List<Integer> visible) {
            long distance() {
                int x0 = Integer.MAX_VALUE;
                int y0 = Integer.MAX_VALUE;
                for (int k : visible) {
                    x0 = Math.min(x0, xy[2 * k]);
                    y0 = Math.min(y0, xy[2 * k + 1]);
                }
                return (long) x0 * x0 + (long) y0 * y0;
            }
        }
        List<Person> people = new ArrayList<>();
        for (Keypoints.Pose pose : value.poses()) {
            int[] xy = new int[2 * COCO_17.size()];
            List<Integer> visible = new ArrayList<>();
            for (int k = 0; k < COCO_17.size(); k++) {
                Keypoints.Point p = pose.points().get(k);
                if (p.score() >= VISIBILITY_THRESHOLD) {
                    xy[2 * k] = bin(p.x());
                    xy[2 * k + 1] = bin(p.y());
                    visible.add(k);
                }
            }
            if (!visible.isEmpty()) {
                people.add(new Person(people.size(), xy, visible));
            }
        }
        people.sort(Comparator.comparingLong(Person::distance).thenComparingInt(Person::order));
        StringBuilder out = new StringBuilder();
        for (Person p : people) {
            out.append(out.length() > 0 ? " " : "").append(PERSON);
            for (int k : p.visible()) {
                out.append(' ').append(TokenLayout.coordinate(INDEX_AXIS, k))
                        .append(' ').append(TokenLayout.coordinate(0, p.xy()[2 * k]))
                        .append(' ').append(TokenLayout.coordinate(1, p.xy()[2 * k + 1]));
            }
        }
        return out.toString();
    }

    @Override
    public Decoded<Keypoints> fromText(String text) {
        List<String> words = TextSerializer.words(text);
        List<Keypoints.Pose> poses = new ArrayList<>();
        int skipped = 0;
        int i = 0;
        while (i < words.size()) {
            if (!words.get(i).equals(PERSON)) {
                skipped++;
                i++;
                continue;
            }
            i++;
            float[] x = new float[COCO_17.size()];
            float[] y = new float[COCO_17.size()];
            boolean[] seen = new boolean[COCO_17.size()];
            int found = 0;
            while (i < words.size() && !words.get(i).equals(PERSON)) {
                int k = TokenLayout.parseCoordinate(words.get(i), INDEX_AXIS);
                int px = i + 1 < words.size() ? TokenLayout.parseCoordinate(words.get(i + 1), 0) : -1;
                int py = i + 2 < words.size() ? TokenLayout.parseCoordinate(words.get(i + 2), 1) : -1;
                if (k >= 0 && k < COCO_17.size() && !seen[k] && px >= 0 && py >= 0) {
                    seen[k] = true;
                    x[k] = px / (float) LAST_BIN;
                    y[k] = py / (float) LAST_BIN;
                    found++;
                    i += 3;
                } else {
                    skipped++;
                    i++;
                }
            }
            if (found == 0) {
                skipped++;
                continue;
            }
            List<Keypoints.Point> points = new ArrayList<>();
            for (int k = 0; k < COCO_17.size(); k++) {
                points.add(seen[k] ? new Keypoints.Point(x[k], y[k], 1f) : new Keypoints.Point(0f, 0f, 0f));
            }
            poses.add(new Keypoints.Pose(1f, points));
        }
        return new Decoded<>(new Keypoints(COCO_17, poses), skipped);
    }

    @Override
    public String toString() {
        return "KeypointsSerializer[" + Arrays.asList(PERSON, "v2=K v0=X v1=Y") + "]";
    }
}
