package fourm.synth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Captions from the scene graph, templated and deterministic for a given random stream (which only picks the
 * opening words). A caption has, all in lower case:
 *
 * <ol>
 *   <li>one sentence listing every object grouped by colour and shape with its count, left to right by the first
 *       member of each group, e.g. "a photo of two red cubes, a blue sphere and a person in a green shirt on the
 *       ground.";
 *   <li>up to {@code maxRelations} sentences relating neighbours in left-to-right order: "the blue sphere is left of
 *       the red cube." when they are farther apart sideways than in depth (camera frame), otherwise "... is in front
 *       of ..." or "... is behind ...";
 *   <li>one sentence naming the shiny objects: "the small red cube and the blue sphere are shiny."
 * </ol>
 *
 * <p>Objects are referred to by the shortest unique description: colour and shape ("the red cube"), then with the
 * size ("the large red cube"), then with the material ("the large shiny red cube"); people by their shirt ("the
 * person in the green shirt"). An object that no description singles out is left out of sentences 2 and 3.
 */
final class CaptionWriter {
    private static final List<String> OPENERS = List.of("a photo of", "a picture of", "an image of",
            "a rendering of");
    private static final String[] NUMBERS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve"};

    private CaptionWriter() {
    }

    static String caption(Scene scene, int maxRelations, SplittableRandom rng) {
        String opener = OPENERS.get(rng.nextInt(OPENERS.size()));
        List<SceneObject> objects = scene.objects();
        if (objects.isEmpty()) {
            return opener + " an empty ground plane under the sky.";
        }
        Camera cam = scene.camera();
        List<Integer> byX = new ArrayList<>();
        for (int k = 0; k < objects.size(); k++) {
            byX.add(k);
        }
        byX.sort(Comparator.comparingDouble((Integer k) -> cam.project(objects.get(k).boundCenter())[0])
                .thenComparingInt(k -> k));

        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int k : byX) {
            SceneObject o = objects.get(k);
            groups.computeIfAbsent(o.noun() + "|" + o.color(), g -> new ArrayList<>()).add(k);
        }
        List<String> phrases = new ArrayList<>();
        for (List<Integer> members : groups.values()) {
            SceneObject o = objects.get(members.get(0));
            int n = members.size();
            String color = o.color().word();
            if (o.isHuman()) {
                phrases.add(n == 1 ? "a person in " + article(color) + " " + color + " shirt"
                        : count(n) + " people in " + color + " shirts");
            } else {
                phrases.add(n == 1 ? article(color) + " " + color + " " + o.noun()
                        : count(n) + " " + color + " " + o.pluralNoun());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(opener).append(' ').append(join(phrases)).append(" on the ground.");

        String[] refs = new String[objects.size()];
        int[] levels = new int[objects.size()];
        for (int k = 0; k < objects.size(); k++) {
            levels[k] = uniqueLevel(objects, k);
            refs[k] = levels[k] == 0 ? null : "the " + describe(objects.get(k), levels[k]);
        }
        List<Integer> referable = byX.stream().filter(k -> refs[k] != null).toList();
        int relations = 0;
        for (int i = 0; i + 1 < referable.size() && relations < maxRelations; i++, relations++) {
            int a = referable.get(i), b = referable.get(i + 1);
            Vec3 pa = cam.toCv(objects.get(a).boundCenter()), pb = cam.toCv(objects.get(b).boundCenter());
            double sideways = Math.abs(pb.x() - pa.x()), depth = Math.abs(pb.z() - pa.z());
            String rel = sideways >= depth ? "left of" : pa.z() < pb.z() ? "in front of" : "behind";
            sb.append(' ').append(refs[a]).append(" is ").append(rel).append(' ').append(refs[b]).append('.');
        }
        List<String> shiny = new ArrayList<>();
        for (int k : referable) {
            if (objects.get(k).material() == Material.SHINY && levels[k] < 3) {
                shiny.add(refs[k]);
            }
        }
        if (!shiny.isEmpty()) {
            sb.append(' ').append(join(shiny)).append(shiny.size() == 1 ? " is shiny." : " are shiny.");
        }
        return sb.toString();
    }

    /** The smallest description level (1..3) that no other object shares, or 0. */
    private static int uniqueLevel(List<SceneObject> objects, int k) {
        int maxLevel = objects.get(k).isHuman() ? 1 : 3;
        for (int level = 1; level <= maxLevel; level++) {
            String mine = describe(objects.get(k), level);
            boolean unique = true;
            for (int j = 0; j < objects.size() && unique; j++) {
                if (j != k && describe(objects.get(j), Math.min(level, objects.get(j).isHuman() ? 1 : 3))
                        .equals(mine)) {
                    unique = false;
                }
            }
            if (unique) {
                return level;
            }
        }
        return 0;
    }

    private static String describe(SceneObject o, int level) {
        if (o.isHuman()) {
            return "person in the " + o.color().word() + " shirt";
        }
        String s = o.color().word() + " " + o.noun();
        if (level >= 3) {
            s = o.material().word() + " " + s;
        }
        if (level >= 2) {
            s = o.size().word() + " " + s;
        }
        return s;
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String count(int n) {
        return n < NUMBERS.length ? NUMBERS[n] : Integer.toString(n);
    }

    private static String join(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
