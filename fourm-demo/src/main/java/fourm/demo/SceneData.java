package fourm.demo;

import fourm.modality.det.Detections;

/**
 * What the demo keeps of one scene of the world: the maps it tokenizes and scores, and the two text labels.
 * Arrays are row-major ({@code i = y * size + x}); the record does not copy them, so callers must not change them.
 *
 * @param key     the scene key, e.g. {@code scene-000042}
 * @param size    width and height in pixels
 * @param rgb     sRGB, 3 bytes per pixel
 * @param depth   z-depth in metres, {@code far} for the sky
 * @param normals unit normals in the camera frame, 3 floats per pixel, 0 for the sky
 * @param semseg  class id per pixel (fourm-synth's classes)
 * @param caption the caption
 * @param det     the boxes of the visible objects and people, normalised
 * @param far     the far plane: the depth of the sky
 */
public record SceneData(String key, int size, byte[] rgb, float[] depth, float[] normals, int[] semseg,
                        String caption, Detections det, double far) {

    /** Which pixels show something (not the sky): where depth and normals are scored. */
    public boolean[] notSky() {
        boolean[] out = new boolean[semseg.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = semseg[i] != fourm.synth.Classes.SKY && depth[i] < far;
        }
        return out;
    }
}
