package fourm.api.label;

import java.util.List;
import java.util.Objects;

/**
 * Body keypoints of the people in a photo: the structured value of the {@code keypoints} modality.
 *
 * <p>Every pose has one point per name of {@link #names()}, in that order (for COCO-17: nose, left_eye, right_eye,
 * left_ear, right_ear, left_shoulder, right_shoulder, left_elbow, right_elbow, left_wrist, right_wrist, left_hip,
 * right_hip, left_knee, right_knee, left_ankle, right_ankle). A point the model did not see has a low score; where the
 * position of such a point is unknown it is (0, 0) with score 0.
 *
 * @param names the keypoint names, unique and non-blank
 * @param poses one pose per person
 */
public record Keypoints(List<String> names, List<Pose> poses) implements LabelResult {

    /** Checks that every pose has one point per name. */
    public Keypoints {
        names = List.copyOf(names);
        poses = List.copyOf(poses);
        if (names.isEmpty() || names.stream().anyMatch(String::isBlank) || names.stream().distinct().count()
                != names.size()) {
            throw new IllegalArgumentException("keypoint names must be non-empty, non-blank and unique, got " + names);
        }
        for (int i = 0; i < poses.size(); i++) {
            if (poses.get(i).points().size() != names.size()) {
                throw new IllegalArgumentException("pose " + i + " has " + poses.get(i).points().size()
                        + " points; expected one per name (" + names.size() + ")");
            }
        }
    }

    /**
     * One keypoint.
     *
     * @param x     horizontal position, in [0, 1]
     * @param y     vertical position, in [0, 1]
     * @param score confidence that the point is where it says, in [0, 1]
     */
    public record Point(float x, float y, float score) {
        /** Checks the ranges. */
        public Point {
            Json.unit("x", x);
            Json.unit("y", y);
            Json.unit("score", score);
        }
    }

    /**
     * One person's keypoints.
     *
     * @param score  the person's confidence, in [0, 1]
     * @param points one point per keypoint name
     */
    public record Pose(float score, List<Point> points) {
        /** Checks the score and copies the points. */
        public Pose {
            Json.unit("score", score);
            points = List.copyOf(Objects.requireNonNull(points, "points"));
        }
    }

    /**
     * {@code {"keypoint_names":[...],"instances":[{"score":s,"keypoints":[[x,y,score], ...]}, ...]}}: one instance per
     * person, one {@code [x, y, score]} triple per keypoint name, coordinates normalised to the photo.
     */
    @Override
    public String toJson() {
        StringBuilder out = new StringBuilder("{\"keypoint_names\":[");
        for (int i = 0; i < names.size(); i++) {
            out.append(i == 0 ? "" : ",");
            Json.string(out, names.get(i));
        }
        out.append("],\"instances\":[");
        for (int p = 0; p < poses.size(); p++) {
            Pose pose = poses.get(p);
            out.append(p == 0 ? "" : ",").append("{\"score\":");
            Json.number(out, pose.score());
            out.append(",\"keypoints\":[");
            for (int i = 0; i < pose.points().size(); i++) {
                Point pt = pose.points().get(i);
                out.append(i == 0 ? "[" : ",[");
                Json.number(out, pt.x());
                out.append(',');
                Json.number(out, pt.y());
                out.append(',');
                Json.number(out, pt.score());
                out.append(']');
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }
}
