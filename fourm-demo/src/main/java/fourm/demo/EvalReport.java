package fourm.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The zero-shot table of the evaluation (spec-4m.md §7 Table 1 on the synthetic world): one row per metric, with the
 * model's value beside the tokenizer bound and the trivial predictor, all measured in the same run.
 *
 * @param scenes  held-out scenes evaluated
 * @param rows    the table's rows
 * @param details further numbers (per class, partial matches), as JSON
 */
public record EvalReport(int scenes, List<Row> rows, JsonObject details) {

    /**
     * One row.
     *
     * @param task           what is predicted from RGB, e.g. {@code depth}
     * @param metric         the metric, e.g. {@code L1 (m)}
     * @param key            a short JSON key, e.g. {@code depth_l1}
     * @param higherIsBetter whether larger values are better
     * @param model          the model's value
     * @param bound          the tokenizer bound: the ground truth through its tokenizer and back
     * @param trivial        the trivial predictor's value
     */
    public record Row(String task, String metric, String key, boolean higherIsBetter, double model, double bound,
                      double trivial) {
        /** Whether the model does better than the trivial predictor. */
        public boolean beatsTrivial() {
            return higherIsBetter ? model > trivial : model < trivial;
        }
    }

    /** Copies the list. */
    public EvalReport {
        rows = List.copyOf(rows);
    }

    /** Whether the model beats the trivial predictor on every row. */
    public boolean beatsTrivialEverywhere() {
        return rows.stream().allMatch(Row::beatsTrivial);
    }

    /** The table as text for the console. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Zero-shot from RGB on %d held-out scenes%n", scenes));
        String head = String.format(Locale.ROOT, "%-9s %-22s %10s %12s %10s  %s", "task", "metric", "4M",
                "tok. bound", "trivial", "4M beats trivial");
        sb.append(head).append(System.lineSeparator());
        sb.append("-".repeat(head.length())).append(System.lineSeparator());
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-9s %-22s %10s %12s %10s  %s%n", r.task(),
                    r.metric() + (r.higherIsBetter() ? " ↑" : " ↓"), num(r.model()), num(r.bound()),
                    num(r.trivial()), r.beatsTrivial() ? "yes" : "NO"));
        }
        return sb.toString();
    }

    /** The table as Markdown (for the README). */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| task | metric | 4M (demo) | tokenizer bound | trivial predictor |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s %s | %s | %s | %s |%n", r.task(), r.metric(),
                    r.higherIsBetter() ? "↑" : "↓", num(r.model()), num(r.bound()), num(r.trivial())));
        }
        return sb.toString();
    }

    /** The report as JSON: scenes, rows (with every value), details. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("scenes", scenes);
        JsonArray a = new JsonArray();
        for (Row r : rows) {
            JsonObject j = new JsonObject();
            j.addProperty("key", r.key());
            j.addProperty("task", r.task());
            j.addProperty("metric", r.metric());
            j.addProperty("higher_is_better", r.higherIsBetter());
            j.addProperty("model", r.model());
            j.addProperty("tokenizer_bound", r.bound());
            j.addProperty("trivial", r.trivial());
            j.addProperty("model_beats_trivial", r.beatsTrivial());
            a.add(j);
        }
        o.add("rows", a);
        o.addProperty("model_beats_trivial_on_every_row", beatsTrivialEverywhere());
        o.add("details", details);
        return o;
    }

    /** {@link #toJson()} as indented text. */
    public String json() {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(toJson());
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3f", v);
    }
}
