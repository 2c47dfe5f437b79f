package fourm.synth;

/**
 * The per-pixel output of the renderer, row-major ({@code i = y * width + x}).
 *
 * <ul>
 *   <li>{@code rgb}: sRGB, 3 bytes per pixel;
 *   <li>{@code depth}: distance along the camera axis in metres; the far plane for the sky;
 *   <li>{@code normals}: unit normals in the OpenGL-style camera frame (x right, y up, z towards the viewer), 3 floats
 *       per pixel; zero for the sky;
 *   <li>{@code semantic}: the class id ({@link Classes});
 *   <li>{@code segments}: 0 sky, 1 ground, {@code 2 + k} object {@code k} of the scene;
 *   <li>{@code visible[k]}, {@code amodal[k]}: pixels where object {@code k} is seen, and where its ray would meet
 *       it were it alone in the scene.
 * </ul>
 */
final class RenderMaps {
    static final int SEGMENT_SKY = 0;
    static final int SEGMENT_GROUND = 1;
    static final int SEGMENT_FIRST_OBJECT = 2;

    final int width;
    final int height;
    final byte[] rgb;
    final float[] depth;
    final float[] normals;
    final byte[] semantic;
    final int[] segments;
    final int[] visible;
    final int[] amodal;

    RenderMaps(int width, int height, int objects) {
        this.width = width;
        this.height = height;
        int n = width * height;
        rgb = new byte[3 * n];
        depth = new float[n];
        normals = new float[3 * n];
        semantic = new byte[n];
        segments = new int[n];
        visible = new int[objects];
        amodal = new int[objects];
    }

    void putNormal(int i, Vec3 n) {
        normals[3 * i] = (float) n.x();
        normals[3 * i + 1] = (float) n.y();
        normals[3 * i + 2] = (float) n.z();
    }
}
