package fourm.modality.sam.instance;

import fourm.modality.text.Decoded;
import fourm.modality.text.TextSerializer;
import fourm.modality.text.TokenLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sam_instance} as text (spec §6.3). Each query point is {@code point v0=<y> v1=<x>} (y first, as in the
 * reference), followed by each instance containing it, {@code polygon v0=<xmin> v1=<ymin> v2=<xmax> v3=<ymax>} and its
 * 16 mask tokens (codes below 512 as {@code v0=code}, the others as {@code v1=code-512}), or by {@code none} when no
 * instance contains it. Points are joined by spaces. Coordinates are pixels of the 224x224 crop.
 *
 * <p>Reading is tolerant: a point is {@code point} and its two coordinates, then {@code none} or one or more valid
 * polygons (21 words each, box ordered); every word outside a valid point or polygon is skipped and counted, and a point
 * with neither {@code none} nor a valid polygon is dropped with its words counted.
 */
public final class SamInstancesSerializer implements TextSerializer<SamInstances> {
    /** The shared instance (stateless). */
    public static final SamInstancesSerializer INSTANCE = new SamInstancesSerializer();
    private static final int POLYGON_WORDS = 5 + SamInstance.TOKENS;

    private SamInstancesSerializer() {
    }

    @Override
    public Class<SamInstances> valueType() {
        return SamInstances.class;
    }

    @Override
    public String toText(SamInstances value) {
        if (value == null) {
            throw new IllegalArgumentException("sam_instance: expected a value, got null");
        }
        StringBuilder out = new StringBuilder();
        for (QueryPoint p : value.points()) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append("point ").append(TokenLayout.coordinate(0, p.y())).append(' ')
                    .append(TokenLayout.coordinate(1, p.x()));
            if (p.instances().isEmpty()) {
                out.append(" none");
            }
            for (SamInstance s : p.instances()) {
                out.append(" polygon ").append(TokenLayout.coordinate(0, s.xmin())).append(' ')
                        .append(TokenLayout.coordinate(1, s.ymin())).append(' ')
                        .append(TokenLayout.coordinate(2, s.xmax())).append(' ')
                        .append(TokenLayout.coordinate(3, s.ymax()));
                s.tokens().forEach(t -> out.append(' ').append(TokenLayout.codeToken(t)));
            }
        }
        return out.toString();
    }

    @Override
    public Decoded<SamInstances> fromText(String text) {
        List<String> words = TextSerializer.words(text);
        List<QueryPoint> points = new ArrayList<>();
        int skipped = 0;
        int i = 0;
        while (i < words.size()) {
            int y = i + 2 < words.size() && words.get(i).equals("point")
                    ? TokenLayout.parseCoordinate(words.get(i + 1), 0) : -1;
            int x = y >= 0 ? TokenLayout.parseCoordinate(words.get(i + 2), 1) : -1;
            if (x < 0) {
                skipped++;
                i++;
                continue;
            }
            int j = i + 3;
            int pointSkipped = 0;
            boolean none = false;
            List<SamInstance> instances = new ArrayList<>();
            while (j < words.size() && !words.get(j).equals("point")) {
                if (words.get(j).equals("none") && !none && instances.isEmpty()) {
                    none = true;
                    j++;
                    continue;
                }
                SamInstance s = none ? null : polygon(words, j);
                if (s != null) {
                    instances.add(s);
                    j += POLYGON_WORDS;
                } else {
                    pointSkipped++;
                    j++;
                }
            }
            if (none || !instances.isEmpty()) {
                points.add(new QueryPoint(y, x, instances));
                skipped += pointSkipped;
            } else {
                skipped += j - i;
            }
            i = j;
        }
        return new Decoded<>(new SamInstances(points), skipped);
    }

    private static SamInstance polygon(List<String> words, int j) {
        if (j + POLYGON_WORDS > words.size() || !words.get(j).equals("polygon")) {
            return null;
        }
        int[] box = new int[4];
        for (int a = 0; a < 4; a++) {
            box[a] = TokenLayout.parseCoordinate(words.get(j + 1 + a), a);
            if (box[a] < 0) {
                return null;
            }
        }
        if (box[0] > box[2] || box[1] > box[3]) {
            return null;
        }
        List<Integer> tokens = new ArrayList<>(SamInstance.TOKENS);
        for (int k = 0; k < SamInstance.TOKENS; k++) {
            int t = TokenLayout.parseCodeToken(words.get(j + 5 + k));
            if (t < 0) {
                return null;
            }
            tokens.add(t);
        }
        return new SamInstance(box[0], box[1], box[2], box[3], tokens);
    }
}
