package fourm.demo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the caption metric compares: the number of objects a synthetic-world caption lists and their colours (a
 * multiset; a person counts with the colour of the shirt), read from the caption's first sentence.
 *
 * <p>The grammar is the world's caption template (fourm-synth, "Captions"): an opener ending in "of", then the objects
 * grouped by colour and shape, joined by ", " and " and ", then "on the ground."; or "... of an empty ground plane
 * under the sky." for a scene without objects. A group is "a red cube", "two red cubes", "a person in a green shirt"
 * or "three people in green shirts". Text is compared in lower case with spaces around commas normalised, so a
 * tokenizer's round trip ("cubes , a") reads the same.
 *
 * @param count  how many objects the caption lists
 * @param colors how many objects of each colour, by colour name
 */
public record CaptionFacts(int count, SortedMap<String, Integer> colors) {
    /** The colour words of the world's captions. */
    public static final List<String> COLORS = List.of("red", "green", "blue", "yellow", "purple", "orange", "white",
            "gray", "brown", "pink");
    private static final List<String> NUMBERS = List.of("zero", "one", "two", "three", "four", "five", "six",
            "seven", "eight", "nine", "ten", "eleven", "twelve");
    private static final String SHAPES = "sphere|cube|cylinder|cone|capsule";
    private static final String COLOR = "(" + String.join("|", COLORS) + ")";
    private static final Pattern ONE_OBJECT = Pattern.compile("an? " + COLOR + " (?:" + SHAPES + ")");
    private static final Pattern OBJECTS = Pattern.compile("(\\w+) " + COLOR + " (?:" + SHAPES.replace("|", "s|")
            + "s)");
    private static final Pattern ONE_PERSON = Pattern.compile("a person in an? " + COLOR + " shirt");
    private static final Pattern PEOPLE = Pattern.compile("(\\w+) people in " + COLOR + " shirts");

    /** Copies the map. */
    public CaptionFacts {
        colors = new TreeMap<>(colors);
    }

    /**
     * Reads a caption; empty when its first sentence does not follow the template (a generated caption may not).
     *
     * @param caption any text
     */
    public static Optional<CaptionFacts> parse(String caption) {
        String text = caption.toLowerCase(Locale.ROOT).strip().replaceAll("\\s*,\\s*", ", ")
                .replaceAll("\\s+", " ").replaceAll(" \\.", ".");
        int dot = text.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String first = text.substring(0, dot);
        int of = first.indexOf(" of ");
        if (of < 0) {
            return Optional.empty();
        }
        String body = first.substring(of + 4);
        if (body.equals("an empty ground plane under the sky")) {
            return Optional.of(new CaptionFacts(0, new TreeMap<>()));
        }
        String suffix = " on the ground";
        if (!body.endsWith(suffix)) {
            return Optional.empty();
        }
        body = body.substring(0, body.length() - suffix.length());
        SortedMap<String, Integer> colors = new TreeMap<>();
        int count = 0;
        for (String group : body.split(", | and ")) {
            Matcher m;
            int n;
            String color;
            if ((m = ONE_OBJECT.matcher(group)).matches() || (m = ONE_PERSON.matcher(group)).matches()) {
                n = 1;
                color = m.group(1);
            } else if ((m = OBJECTS.matcher(group)).matches() || (m = PEOPLE.matcher(group)).matches()) {
                n = number(m.group(1));
                color = m.group(2);
                if (n < 2) {
                    return Optional.empty();
                }
            } else {
                return Optional.empty();
            }
            colors.merge(color, n, Integer::sum);
            count += n;
        }
        return Optional.of(new CaptionFacts(count, colors));
    }

    private static int number(String word) {
        int i = NUMBERS.indexOf(word);
        if (i >= 0) {
            return i;
        }
        try {
            return Integer.parseInt(word);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The colours as one string, e.g. {@code blue x1, red x2}. */
    public String colorsText() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : colors.entrySet()) {
            sb.append(sb.length() > 0 ? ", " : "").append(e.getKey()).append(" x").append(e.getValue());
        }
        return sb.toString();
    }
}
