package fourm.synth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Polygons of label-map regions: the outer boundary of a region's largest 8-connected component, traced with Moore
 * neighbour tracing (clockwise in image coordinates, starting at the component's first pixel in raster order), then
 * simplified with Douglas-Peucker. Points are pixel indices (x, y), the centres of the boundary pixels, as OpenCV's
 * findContours returns them.
 */
final class Contours {
    /** Moore neighbourhood, clockwise on screen (y down), starting west. */
    private static final int[] DX = {-1, -1, 0, 1, 1, 1, 0, -1};
    private static final int[] DY = {0, -1, -1, -1, 0, 1, 1, 1};

    private Contours() {
    }

    /** The simplified outer boundary of the largest component of {@code labels == id}; empty if there is none. */
    static List<int[]> polygon(int[] labels, int width, int height, int id, double tolerance) {
        boolean[] comp = largestComponent(labels, width, height, id);
        List<int[]> boundary = trace(comp, width, height);
        return simplify(boundary, tolerance);
    }

    /** The mask of the largest 8-connected component of {@code labels == id} (the first one in raster order wins ties). */
    static boolean[] largestComponent(int[] labels, int width, int height, int id) {
        int[] comp = new int[labels.length];
        int best = 0, bestSize = 0, next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int s = 0; s < labels.length; s++) {
            if (labels[s] != id || comp[s] != 0) {
                continue;
            }
            next++;
            int size = 0;
            comp[s] = next;
            queue.add(s);
            while (!queue.isEmpty()) {
                int i = queue.poll();
                size++;
                int x = i % width, y = i / width;
                for (int d = 0; d < 8; d++) {
                    int nx = x + DX[d], ny = y + DY[d];
                    if (nx >= 0 && ny >= 0 && nx < width && ny < height) {
                        int j = ny * width + nx;
                        if (labels[j] == id && comp[j] == 0) {
                            comp[j] = next;
                            queue.add(j);
                        }
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                best = next;
            }
        }
        boolean[] mask = new boolean[labels.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = best != 0 && comp[i] == best;
        }
        return mask;
    }

    /** Moore-neighbour tracing of the outer boundary of a single 8-connected component. */
    static List<int[]> trace(boolean[] mask, int width, int height) {
        int start = -1;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                start = i;
                break;
            }
        }
        List<int[]> out = new ArrayList<>();
        if (start < 0) {
            return out;
        }
        int sx = start % width, sy = start / width;
        out.add(new int[] {sx, sy});
        int cx = sx, cy = sy;
        int back = 0; // the west neighbour of the first pixel in raster order is outside
        int firstX = -1, firstY = -1;
        int guard = 4 * mask.length + 8;
        while (guard-- > 0) {
            int found = -1;
            for (int k = 1; k <= 8; k++) {
                int d = (back + k) % 8;
                int nx = cx + DX[d], ny = cy + DY[d];
                if (nx >= 0 && ny >= 0 && nx < width && ny < height && mask[ny * width + nx]) {
                    found = d;
                    break;
                }
            }
            if (found < 0) {
                return out; // an isolated pixel
            }
            int nx = cx + DX[found], ny = cy + DY[found];
            int px = cx + DX[(found + 7) % 8], py = cy + DY[(found + 7) % 8];
            if (cx == sx && cy == sy) {
                if (firstX < 0) {
                    firstX = nx;
                    firstY = ny;
                } else if (nx == firstX && ny == firstY) {
                    out.remove(out.size() - 1); // the start pixel, reached again
                    return out;
                }
            }
            back = direction(px - nx, py - ny);
            cx = nx;
            cy = ny;
            out.add(new int[] {cx, cy});
        }
        throw new IllegalStateException("boundary tracing did not close");
    }

    private static int direction(int dx, int dy) {
        for (int d = 0; d < 8; d++) {
            if (DX[d] == dx && DY[d] == dy) {
                return d;
            }
        }
        throw new IllegalStateException("not a neighbour offset: " + dx + "," + dy);
    }

    /** Douglas-Peucker simplification of a closed polygon (no repeated closing point). */
    static List<int[]> simplify(List<int[]> ring, double tolerance) {
        if (ring.size() <= 3 || tolerance <= 0) {
            return new ArrayList<>(ring);
        }
        int far = 0;
        double farDist = -1;
        int[] a = ring.get(0);
        for (int i = 1; i < ring.size(); i++) {
            int[] p = ring.get(i);
            double d = StrictMath.hypot(p[0] - a[0], p[1] - a[1]);
            if (d > farDist) {
                farDist = d;
                far = i;
            }
        }
        boolean[] keep = new boolean[ring.size() + 1];
        List<int[]> closed = new ArrayList<>(ring);
        closed.add(ring.get(0));
        keep[0] = true;
        keep[far] = true;
        keep[ring.size()] = true;
        mark(closed, 0, far, tolerance, keep);
        mark(closed, far, ring.size(), tolerance, keep);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < ring.size(); i++) {
            if (keep[i]) {
                out.add(ring.get(i));
            }
        }
        return out;
    }

    private static void mark(List<int[]> pts, int from, int to, double tol, boolean[] keep) {
        if (to - from < 2) {
            return;
        }
        int[] a = pts.get(from), b = pts.get(to);
        double best = -1;
        int idx = -1;
        for (int i = from + 1; i < to; i++) {
            double d = segmentDistance(pts.get(i), a, b);
            if (d > best) {
                best = d;
                idx = i;
            }
        }
        if (best > tol) {
            keep[idx] = true;
            mark(pts, from, idx, tol, keep);
            mark(pts, idx, to, tol, keep);
        }
    }

    private static double segmentDistance(int[] p, int[] a, int[] b) {
        double vx = b[0] - a[0], vy = b[1] - a[1];
        double wx = p[0] - a[0], wy = p[1] - a[1];
        double len2 = vx * vx + vy * vy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, (wx * vx + wy * vy) / len2));
        return StrictMath.hypot(wx - t * vx, wy - t * vy);
    }
}
