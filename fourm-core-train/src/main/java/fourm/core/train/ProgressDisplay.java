package fourm.core.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Console progress of a training run on stderr: a bar redrawn in place with a carriage return (step, percentage,
 * loss, tokens/s, ETA) when the console is a terminal, or plain lines every {@code logEvery} steps otherwise.
 */
final class ProgressDisplay {
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final boolean bar;
    private final boolean off;
    private final int logEvery;
    private final long total;
    private long lastLength;
    private boolean dirty;

    ProgressDisplay(PrintWriter out, TrainSettings.Progress mode, int logEvery, long total) {
        this.out = out;
        this.off = mode == TrainSettings.Progress.OFF;
        this.bar = mode == TrainSettings.Progress.BAR
                || (mode == TrainSettings.Progress.AUTO && System.console() != null);
        this.logEvery = logEvery;
        this.total = total;
    }

    /** After a training step. */
    void step(long step, double loss, double lr, double tokensPerSecond, double secondsLeft) {
        if (off) {
            return;
        }
        String stats = String.format(Locale.ROOT, "loss %.4f  lr %.2e  %,.0f tok/s  ETA %s", loss, lr,
                tokensPerSecond, duration(secondsLeft));
        if (bar) {
            int filled = (int) (WIDTH * step / Math.max(1, total));
            String line = String.format(Locale.ROOT, "\rstep %d/%d [%s%s] %3d%%  %s", step, total,
                    "=".repeat(filled), " ".repeat(WIDTH - filled), 100 * step / Math.max(1, total), stats);
            long pad = Math.max(0, lastLength - line.length());
            out.print(line + " ".repeat((int) pad));
            out.flush();
            lastLength = line.length();
            dirty = true;
        } else if (step % logEvery == 0 || step == total || step == 1) {
            out.println(String.format(Locale.ROOT, "step %d/%d  %s", step, total, stats));
            out.flush();
        }
    }

    /** A message on its own line (evaluations, checkpoints, warnings). */
    void message(String text) {
        if (off) {
            return;
        }
        if (dirty) {
            out.println();
            dirty = false;
            lastLength = 0;
        }
        out.println(text);
        out.flush();
    }

    /** Ends the bar's line. */
    void finish() {
        if (dirty) {
            out.println();
            out.flush();
            dirty = false;
        }
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
