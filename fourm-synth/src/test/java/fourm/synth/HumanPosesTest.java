package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HumanPosesTest {
    private static final SynthSettings SETTINGS =
            TestSettings.with("resolution = 64, humans-probability = 1, max-humans = 2, max-objects = 2");
    private static final List<JsonObject> POSES = IntStream.range(0, 8)
            .mapToObj(i -> JsonParser.parseString(SynthWorld.sample(SETTINGS, i).json(SynthFile.HUMAN_POSES))
                    .getAsJsonObject())
            .toList();

    private static Mat3 matrix(JsonElement rows) {
        JsonArray r = rows.getAsJsonArray();
        double[] v = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                v[3 * i + j] = r.get(i).getAsJsonArray().get(j).getAsDouble();
            }
        }
        return new Mat3(v);
    }

    private static void assertRotation(Mat3 m) {
        Mat3 mtm = m.transpose().times(m);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(mtm.get(i, j)).isCloseTo(i == j ? 1 : 0, within(1e-5));
            }
        }
        assertThat(m.determinant()).isCloseTo(1, within(1e-5));
    }

    @Test
    void bodyPoseIs23RotationsAndTheGlobalOrientationIsARotation() {
        int humans = 0;
        for (JsonObject p : POSES) {
            JsonObject smpl = p.getAsJsonObject("pred_smpl_params");
            int n = p.getAsJsonArray("bbox_xyxy").size();
            assertThat(smpl.getAsJsonArray("body_pose")).hasSize(n);
            assertThat(smpl.getAsJsonArray("global_orient")).hasSize(n);
            assertThat(smpl.getAsJsonArray("betas")).hasSize(n);
            assertThat(p.getAsJsonArray("pred_cam")).hasSize(n);
            for (int h = 0; h < n; h++) {
                JsonArray body = smpl.getAsJsonArray("body_pose").get(h).getAsJsonArray();
                assertThat(body).hasSize(23);
                for (JsonElement r : body) {
                    assertRotation(matrix(r));
                }
                JsonArray global = smpl.getAsJsonArray("global_orient").get(h).getAsJsonArray();
                assertThat(global).hasSize(1);
                assertRotation(matrix(global.get(0)));
                JsonArray betas = smpl.getAsJsonArray("betas").get(h).getAsJsonArray();
                assertThat(betas).hasSize(10);
                for (JsonElement b : betas) {
                    assertThat(b.getAsDouble()).isBetween(-2.5, 2.5);
                }
                humans++;
            }
        }
        assertThat(humans).isGreaterThanOrEqualTo(POSES.size());
    }

    @Test
    void theParametersReproduceTheRenderedSkeleton() {
        for (JsonObject p : POSES) {
            JsonObject smpl = p.getAsJsonObject("pred_smpl_params");
            for (int h = 0; h < p.getAsJsonArray("bbox_xyxy").size(); h++) {
                Mat3 global = matrix(smpl.getAsJsonArray("global_orient").get(h).getAsJsonArray().get(0));
                Mat3[] rotations = new Mat3[24];
                rotations[0] = Mat3.IDENTITY;
                JsonArray body = smpl.getAsJsonArray("body_pose").get(h).getAsJsonArray();
                for (int j = 1; j < 24; j++) {
                    rotations[j] = matrix(body.get(j - 1));
                }
                double[] betas = new double[10];
                for (int i = 0; i < 10; i++) {
                    betas[i] = smpl.getAsJsonArray("betas").get(h).getAsJsonArray().get(i).getAsDouble();
                }
                Vec3[] joints = new Vec3[24];
                HumanFigure.forwardKinematics(global, rotations, HumanFigure.offsets(betas), joints, new Mat3[24]);
                JsonArray cam = p.getAsJsonArray("smpl_joints_cam").get(h).getAsJsonArray();
                Vec3 pelvis = vec(cam.get(0));
                for (int j = 0; j < 24; j++) {
                    Vec3 expected = vec(cam.get(j));
                    Vec3 got = pelvis.plus(joints[j]);
                    assertThat(got.minus(expected).length()).as("joint %s", HumanFigure.JOINT_NAMES.get(j))
                            .isLessThan(1e-4);
                }
                // An upright figure: the head is above the pelvis in the camera (OpenCV y points down).
                assertThat(joints[15].y()).isLessThan(0);
            }
        }
    }

    @Test
    void predCamIsTheWeakPerspectiveCameraOfTheBoxCrop() {
        for (JsonObject p : POSES) {
            for (int h = 0; h < p.getAsJsonArray("bbox_xyxy").size(); h++) {
                JsonArray box = p.getAsJsonArray("bbox_xyxy").get(h).getAsJsonArray();
                double x0 = box.get(0).getAsDouble(), y0 = box.get(1).getAsDouble();
                double x1 = box.get(2).getAsDouble(), y1 = box.get(3).getAsDouble();
                double side = Math.max(x1 - x0, y1 - y0);
                JsonArray cam = p.getAsJsonArray("pred_cam").get(h).getAsJsonArray();
                double s = cam.get(0).getAsDouble(), tx = cam.get(1).getAsDouble(), ty = cam.get(2).getAsDouble();
                JsonArray joints3d = p.getAsJsonArray("smpl_joints_cam").get(h).getAsJsonArray();
                JsonArray joints2d = p.getAsJsonArray("smpl_joints_2d").get(h).getAsJsonArray();
                Vec3 pelvis = vec(joints3d.get(0));
                // Body points are relative to the pelvis; the pelvis itself projects exactly.
                double u = (x0 + x1) / 2 + s * (0 + tx) * side / 2;
                double v = (y0 + y1) / 2 + s * (0 + ty) * side / 2;
                assertThat(u).isCloseTo(joints2d.get(0).getAsJsonArray().get(0).getAsDouble(), within(1e-3));
                assertThat(v).isCloseTo(joints2d.get(0).getAsJsonArray().get(1).getAsDouble(), within(1e-3));
                // Other joints project approximately (weak perspective ignores depth differences within the body).
                for (int j = 1; j < 24; j++) {
                    Vec3 rel = vec(joints3d.get(j)).minus(pelvis);
                    double uj = (x0 + x1) / 2 + s * (rel.x() + tx) * side / 2;
                    double pinhole = joints2d.get(j).getAsJsonArray().get(0).getAsDouble();
                    assertThat(Math.abs(uj - pinhole)).isLessThan(0.1 * side + 1);
                }
                // The box holds the figure: the pelvis projects inside it.
                assertThat(u).isBetween(x0, x1);
                assertThat(v).isBetween(y0, y1);
            }
        }
    }

    @Test
    void aSceneWithoutPeopleHasAnEmptyPoseObject() {
        SynthSettings none = TestSettings.with("resolution = 32, humans-probability = 0");
        assertThat(SynthWorld.sample(none, 0).json(SynthFile.HUMAN_POSES)).isEqualTo("{}");
    }

    @Test
    void theSkeletonFollowsTheSmplJointOrder() {
        assertThat(HumanFigure.JOINT_NAMES).hasSize(24).startsWith("pelvis", "left_hip", "right_hip", "spine1")
                .endsWith("left_hand", "right_hand");
        assertThat(HumanFigure.PARENTS).containsExactly(-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14,
                16, 17, 18, 19, 20, 21);
    }

    private static Vec3 vec(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        return new Vec3(a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsDouble());
    }
}
