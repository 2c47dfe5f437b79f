package fourm.vq.testing;

import fourm.vq.Raster;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small procedural scenes for the tests, every modality consistent with the others: a sky above a ground plane and a
 * few discs (spheres) and rectangles (boxes) in front, drawn far to near. Per scene: RGB in [0, 1], depth (metres),
 * normals encoded {@code n * 0.5 + 0.5} (sky (0.5, 0.5, 0.5)), semseg ids (0 sky, 1 ground, 2 sphere, 3 box) and
 * edges (1 where the id changes to the right or below, thickened to two pixels).
 */
public final class TestScenes {
    public static final int CLASSES = 4;

    /** One scene. */
    public record Scene(Raster rgb, Raster depth, Raster normal, Raster semseg, Raster edge) {
    }

    private TestScenes() {
    }

    public static List<Scene> make(int count, int side, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        List<Scene> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(scene(side, root.split()));
        }
        return out;
    }

    private static Scene scene(int s, SplittableRandom rng) {
        int n = s * s;
        float[] rgb = new float[3 * n];
        float[] depth = new float[n];
        float[] normal = new float[3 * n];
        float[] sem = new float[n];
        int horizon = s / 3 + rng.nextInt(s / 3);
        float[] ground = {0.35f + 0.2f * (float) rng.nextDouble(), 0.3f, 0.15f};
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int i = y * s + x;
                if (y < horizon) {
                    set(rgb, n, i, 0.45f + 0.3f * y / s, 0.65f + 0.2f * y / s, 0.95f);
                    depth[i] = 60f;
                    set(normal, n, i, 0.5f, 0.5f, 0.5f);
                    sem[i] = 0;
                } else {
                    float shade = 0.7f + 0.3f * (y - horizon) / (float) (s - horizon);
                    set(rgb, n, i, ground[0] * shade, ground[1] * shade, ground[2] * shade);
                    depth[i] = 40f / (y - horizon + 1);
                    set(normal, n, i, 0.5f, 1.0f, 0.5f);
                    sem[i] = 1;
                }
            }
        }
        int objects = 1 + rng.nextInt(3);
        float[] depths = new float[objects];
        for (int k = 0; k < objects; k++) {
            depths[k] = 4f + 10f * (float) rng.nextDouble();
        }
        java.util.Arrays.sort(depths);
        for (int k = objects - 1; k >= 0; k--) {
            boolean sphere = rng.nextBoolean();
            float cx = s * (0.15f + 0.7f * (float) rng.nextDouble());
            float cy = s * (0.35f + 0.5f * (float) rng.nextDouble());
            float r = s * (0.12f + 0.15f * (float) rng.nextDouble());
            float[] col = {(float) rng.nextDouble(), (float) rng.nextDouble(), (float) rng.nextDouble()};
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    float dx = (x + 0.5f - cx) / r;
                    float dy = (y + 0.5f - cy) / r;
                    int i = y * s + x;
                    if (sphere) {
                        float rr = dx * dx + dy * dy;
                        if (rr > 1) {
                            continue;
                        }
                        float nz = (float) Math.sqrt(1 - rr);
                        float light = 0.4f + 0.6f * Math.max(0f, 0.5f * nz - 0.5f * dy + 0.3f * dx);
                        set(rgb, n, i, col[0] * light, col[1] * light, col[2] * light);
                        depth[i] = depths[k] - nz * r * 0.05f;
                        set(normal, n, i, dx * 0.5f + 0.5f, -dy * 0.5f + 0.5f, nz * 0.5f + 0.5f);
                        sem[i] = 2;
                    } else {
                        if (Math.abs(dx) > 1 || Math.abs(dy) > 0.8f) {
                            continue;
                        }
                        set(rgb, n, i, col[0], col[1], col[2]);
                        depth[i] = depths[k];
                        set(normal, n, i, 0.5f, 0.5f, 1.0f);
                        sem[i] = 3;
                    }
                }
            }
        }
        float[] edge = new float[n];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int i = y * s + x;
                boolean e = false;
                for (int dy = -1; dy <= 0 && !e; dy++) {
                    for (int dx = -1; dx <= 0 && !e; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy < 0 || xx < 0) {
                            continue;
                        }
                        int j = yy * s + xx;
                        e = (xx + 1 < s && sem[j] != sem[j + 1]) || (yy + 1 < s && sem[j] != sem[j + s]);
                    }
                }
                edge[i] = e ? 1f : 0f;
            }
        }
        return new Scene(new Raster(3, s, s, rgb), new Raster(1, s, s, depth), new Raster(3, s, s, normal),
                new Raster(1, s, s, sem), new Raster(1, s, s, edge));
    }

    private static void set(float[] a, int n, int i, float r, float g, float b) {
        a[i] = Math.min(1f, Math.max(0f, r));
        a[n + i] = Math.min(1f, Math.max(0f, g));
        a[2 * n + i] = Math.min(1f, Math.max(0f, b));
    }
}
