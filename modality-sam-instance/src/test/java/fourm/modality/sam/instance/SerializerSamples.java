package fourm.modality.sam.instance;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random query points with 0 to 3 instances each. */
final class SerializerSamples {
    private SerializerSamples() {
    }

    static SamInstances exact(SplittableRandom r) {
        List<QueryPoint> points = new ArrayList<>();
        for (int p = 0, n = r.nextInt(0, 8); p < n; p++) {
            List<SamInstance> instances = new ArrayList<>();
            for (int i = 0, k = r.nextInt(0, 4); i < k; i++) {
                int x0 = r.nextInt(224);
                int y0 = r.nextInt(224);
                instances.add(new SamInstance(x0, y0, r.nextInt(x0, 224), r.nextInt(y0, 224),
                        r.ints(16, 0, 1024).boxed().toList()));
            }
            points.add(new QueryPoint(r.nextInt(224), r.nextInt(224), instances));
        }
        return new SamInstances(points);
    }
}
