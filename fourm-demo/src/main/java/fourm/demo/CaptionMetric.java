package fourm.demo;

import java.util.Optional;

/**
 * Caption accuracy on the synthetic world: the fraction of images whose predicted caption lists exactly as many
 * objects as the true caption, with exactly the same colours ({@link CaptionFacts}). A caption that does not follow
 * the template counts as wrong. The count and the colours are also reported on their own.
 *
 * <p>Not thread-safe.
 */
public final class CaptionMetric {
    private int images;
    private int countRight;
    private int colorsRight;
    private int bothRight;
    private int unparsed;

    /**
     * Adds one image.
     *
     * @throws IllegalArgumentException if the true caption does not follow the template
     */
    public void add(String predicted, String truth) {
        CaptionFacts t = CaptionFacts.parse(truth).orElseThrow(() -> new IllegalArgumentException("caption: the true"
                + " caption does not follow the world's template: '" + truth + "'"));
        Optional<CaptionFacts> p = CaptionFacts.parse(predicted);
        images++;
        if (p.isEmpty()) {
            unparsed++;
            return;
        }
        boolean count = p.get().count() == t.count();
        boolean colors = p.get().colors().equals(t.colors());
        countRight += count ? 1 : 0;
        colorsRight += colors ? 1 : 0;
        bothRight += count && colors ? 1 : 0;
    }

    /** Fraction of images with the right count and the right colours (NaN before any image). */
    public double exactMatch() {
        return images == 0 ? Double.NaN : (double) bothRight / images;
    }

    /** Fraction of images with the right object count. */
    public double countMatch() {
        return images == 0 ? Double.NaN : (double) countRight / images;
    }

    /** Fraction of images with the right colour multiset. */
    public double colorsMatch() {
        return images == 0 ? Double.NaN : (double) colorsRight / images;
    }

    /** Images whose predicted caption could not be read. */
    public int unparsed() {
        return unparsed;
    }

    /** Images added. */
    public int images() {
        return images;
    }
}
