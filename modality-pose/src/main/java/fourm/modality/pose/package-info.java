/** The 3D human poses modality provider: {@code human_poses}. */
package fourm.modality.pose;
