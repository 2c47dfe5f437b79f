package fourm.vq.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Console progress of a tokenizer training run: a bar redrawn in place with a carriage return (step, percentage,
 * loss, steps per second, time left) when the console is a terminal, or one line every {@code logEvery} steps
 * otherwise; or nothing.
 */
public final class ConsoleProgress {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final VqTrainSettings.Progress mode;
    private final int logEvery;
    private final long total;
    private final long start;
    private final long startNanos = System.nanoTime();
    private boolean barDrawn;

    /**
     * @param out      where to draw (stderr in the CLI)
     * @param mode     auto, bar, lines or none
     * @param logEvery steps between lines
     * @param start    the first step of this session (resumed runs start later)
     * @param total    the run's steps
     */
    public ConsoleProgress(PrintStream out, VqTrainSettings.Progress mode, int logEvery, long start, long total) {
        this.out = out;
        this.mode = mode == VqTrainSettings.Progress.AUTO
                ? (System.console() != null ? VqTrainSettings.Progress.BAR : VqTrainSettings.Progress.LINES) : mode;
        this.logEvery = logEvery;
        this.start = start;
        this.total = total;
    }

    /** Reports a finished step. */
    public void step(VqTrainer.StepResult r) {
        long done = r.step() + 1;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = (done - start) / Math.max(seconds, 1e-9);
        String eta = duration((total - done) / Math.max(rate, 1e-9));
        String stats = String.format(Locale.ROOT, "step %d/%d loss %.4f lr %.2e %.2f steps/s eta %s", done, total,
                r.loss(), r.lr(), rate, eta);
        switch (mode) {
            case BAR -> {
                int filled = (int) (WIDTH * done / total);
                out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + stats + "   ");
                out.flush();
                barDrawn = true;
            }
            case LINES -> {
                if (done % logEvery == 0 || done == total) {
                    out.println(stats);
                }
            }
            default -> {
            }
        }
    }

    /** Prints a message on its own line (after the bar, if one is drawn). */
    public void message(String text) {
        if (mode == VqTrainSettings.Progress.NONE) {
            return;
        }
        if (barDrawn) {
            out.println();
            barDrawn = false;
        }
        out.println(text);
    }

    /** Ends the bar's line. */
    public void finish() {
        if (barDrawn) {
            out.println();
            barDrawn = false;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
