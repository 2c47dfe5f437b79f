/**
 * The 3D human poses modality, {@code human_poses}: {@link fourm.modality.pose.HumanPoses} of
 * {@link fourm.modality.pose.Human}s, written as text by {@link fourm.modality.pose.HumanPosesSerializer}; the
 * provider is {@link fourm.modality.pose.HumanPosesProvider}.
 */
package fourm.modality.pose;
