package fourm.modality.pose;

import java.util.List;

/**
 * One person's 3D pose estimate with the SMPL body pose itself (the raw value the pose tokenizer turns into
 * {@link Human#POSE_TOKENS} tokens): what a person has before tokenization and gets back after decoding.
 *
 * @param xmin         box left, normalised to [0, 1]
 * @param ymin         box top, normalised
 * @param xmax         box right, normalised
 * @param ymax         box bottom, normalised
 * @param bodyPose     the {@value #BODY_POSE} body-pose values: 23 joint rotation matrices, each row-major (the
 *                     reference's {@code pred_smpl_params.body_pose} flattened)
 * @param globalOrient the 9 entries of the global rotation matrix, row-major
 * @param camera       the 3 weak-perspective camera values
 * @param betas        the 10 SMPL shape coefficients
 */
public record SmplHuman(double xmin, double ymin, double xmax, double ymax, List<Double> bodyPose,
                        List<Double> globalOrient, List<Double> camera, List<Double> betas) {
    /** Values of the body pose: 23 joints x 3 x 3. */
    public static final int BODY_POSE = 207;

    /** Copies the lists and checks every field; the message names it. */
    public SmplHuman {
        bodyPose = Human.finite("body pose", bodyPose, BODY_POSE);
        // the remaining fields are checked as Human checks them
        Human h = new Human(xmin, ymin, xmax, ymax, List.of(0, 0, 0, 0, 0, 0, 0, 0), globalOrient, camera, betas);
        globalOrient = h.globalOrient();
        camera = h.camera();
        betas = h.betas();
    }

    /** The tokenized person: this person's fields with {@code poseTokens} in place of the body pose. */
    public Human withPoseTokens(List<Integer> poseTokens) {
        return new Human(xmin, ymin, xmax, ymax, poseTokens, globalOrient, camera, betas);
    }

    /** A person from a tokenized one and its decoded body pose. */
    public static SmplHuman of(Human h, List<Double> bodyPose) {
        return new SmplHuman(h.xmin(), h.ymin(), h.xmax(), h.ymax(), bodyPose, h.globalOrient(), h.camera(),
                h.betas());
    }
}
