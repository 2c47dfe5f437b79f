package fourm.core.io;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long command on the console (stderr in the CLI): numbered stages with their wall times, work within a
 * stage with its rate and time left, a training run's statistics line by line or as a bar redrawn in place, and
 * messages. The one progress display of fourm (the demo's stages and a tokenizer training's steps). Thread-safe.
 *
 * <p>In {@link Mode#LINES} each report is a line; in {@link Mode#BAR} {@link #update} redraws one line with a carriage
 * return, and stages and messages start on a line of their own; {@link Mode#AUTO} is a bar when the JVM has a
 * console, lines otherwise; {@link Mode#NONE} shows nothing.
 */
public final class ConsoleProgress {
    /** How progress is shown. */
    public enum Mode {
        /** A bar on a terminal, lines otherwise. */
        AUTO,
        /** One line redrawn in place. */
        BAR,
        /** One line a report. */
        LINES,
        /** Nothing. */
        NONE
    }

    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final Mode mode;
    private final double intervalSeconds;
    private final long runStart = System.nanoTime();
    private long stageStart = runStart;
    private long lastPrint = runStart;
    private String stage = "";
    private boolean staged;
    private boolean barDrawn;

    /**
     * @param out             where lines go
     * @param mode            how progress is shown ({@link Mode#AUTO} is resolved here)
     * @param intervalSeconds least time between two {@link #progress} lines of a stage
     */
    public ConsoleProgress(PrintStream out, Mode mode, double intervalSeconds) {
        this(new PrintWriter(out), mode, intervalSeconds);
    }

    /**
     * @param out             where lines go
     * @param mode            how progress is shown ({@link Mode#AUTO} is resolved here)
     * @param intervalSeconds least time between two {@link #progress} lines of a stage
     */
    public ConsoleProgress(PrintWriter out, Mode mode, double intervalSeconds) {
        this.out = out;
        this.mode = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LINES) : mode;
        this.intervalSeconds = intervalSeconds;
    }

    /** The mode in use ({@link Mode#AUTO} resolved). */
    public Mode mode() {
        return mode;
    }

    /**
     * A stage starts: prints {@code [index/total] name} (and the time of the stage before).
     *
     * @param index 1-based stage number
     * @param total stages of the run
     * @param name  what the stage does
     */
    public synchronized void stage(int index, int total, String name) {
        if (mode == Mode.NONE) {
            return;
        }
        endBar();
        finishStage();
        staged = true;
        stage = name;
        stageStart = System.nanoTime();
        lastPrint = stageStart;
        out.printf(Locale.ROOT, "[%d/%d] %s%n", index, total, name);
        out.flush();
    }

    /**
     * Work in the current stage advanced: a line with the count, the stage's elapsed time and the time left, at most
     * every {@code intervalSeconds} and at the end of the work.
     *
     * @param done  units done so far
     * @param total units of the stage (0 when unknown)
     * @param unit  what a unit is, e.g. {@code scenes}
     */
    public synchronized void progress(long done, long total, String unit) {
        if (mode == Mode.NONE) {
            return;
        }
        long now = System.nanoTime();
        boolean end = total > 0 && done >= total;
        if (!end && (now - lastPrint) / 1e9 < intervalSeconds) {
            return;
        }
        lastPrint = now;
        double elapsed = (now - stageStart) / 1e9;
        String left = total > 0 && done > 0 && !end
                ? String.format(Locale.ROOT, ", %s left", duration(elapsed / done * (total - done))) : "";
        String text = String.format(Locale.ROOT, "%d%s %s (%s%s)", done, total > 0 ? "/" + total : "", unit,
                duration(elapsed), left);
        if (mode == Mode.BAR) {
            drawBar(done, total, text);
        } else {
            out.println("      " + text);
            out.flush();
        }
    }

    /**
     * A statistics report (a training step): redraws the bar in {@link Mode#BAR}; in {@link Mode#LINES} prints
     * {@code text} as a line when {@code lineDue} (every so many steps, and the last).
     *
     * @param done    units done so far
     * @param total   units of the run
     * @param text    the statistics
     * @param lineDue whether a line is due in {@link Mode#LINES}
     */
    public synchronized void update(long done, long total, String text, boolean lineDue) {
        if (mode == Mode.BAR) {
            drawBar(done, total, text);
        } else if (mode == Mode.LINES && lineDue) {
            out.println(text);
            out.flush();
        }
    }

    /**
     * A line worth showing on its own (a result, a file written); in a stage it is indented under the stage's line.
     *
     * @param text the line
     */
    public synchronized void message(String text) {
        if (mode == Mode.NONE) {
            return;
        }
        endBar();
        out.println(staged ? "      " + text : text);
        out.flush();
    }

    /** Ends the bar's line; after stages, prints the time of the last stage and of the whole run. */
    public synchronized void finish() {
        if (mode == Mode.NONE) {
            return;
        }
        endBar();
        if (staged) {
            finishStage();
            out.printf(Locale.ROOT, "done in %s%n", duration((System.nanoTime() - runStart) / 1e9));
            stage = "";
        }
        out.flush();
    }

    /**
     * A duration as {@code 12.3 s}, {@code 4 min 05 s} or {@code 1 h 02 min}; {@code ?} when unknown (not finite).
     *
     * @param seconds the duration
     * @return its text
     */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", Math.max(0, seconds));
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }

    private void drawBar(long done, long total, String text) {
        int filled = total > 0 ? (int) (WIDTH * Math.min(done, total) / total) : 0;
        out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + text + "   ");
        out.flush();
        barDrawn = true;
    }

    private void endBar() {
        if (barDrawn) {
            out.println();
            barDrawn = false;
        }
    }

    private void finishStage() {
        if (!stage.isEmpty()) {
            out.printf(Locale.ROOT, "      %s: %s%n", stage, duration((System.nanoTime() - stageStart) / 1e9));
        }
    }
}
