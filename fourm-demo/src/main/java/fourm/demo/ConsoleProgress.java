package fourm.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress as plain lines on a stream (stderr in the CLI): each stage with its number, work at most every
 * {@code interval} seconds (and at the end of the work) with a rate and the time left, messages as they come, and the
 * elapsed time of every stage. Thread-safe.
 */
public final class ConsoleProgress implements DemoProgress {
    private final PrintStream out;
    private final double intervalSeconds;
    private final long runStart = System.nanoTime();
    private long stageStart = runStart;
    private long lastPrint = runStart;
    private String stage = "";

    /**
     * @param out             where lines go
     * @param intervalSeconds least time between two progress lines of a stage
     */
    public ConsoleProgress(PrintStream out, double intervalSeconds) {
        this.out = out;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public synchronized void stage(int index, int total, String name) {
        finishStage();
        stage = name;
        stageStart = System.nanoTime();
        lastPrint = stageStart;
        out.printf(Locale.ROOT, "[%d/%d] %s%n", index, total, name);
        out.flush();
    }

    @Override
    public synchronized void progress(long done, long total, String unit) {
        long now = System.nanoTime();
        boolean end = total > 0 && done >= total;
        if (!end && (now - lastPrint) / 1e9 < intervalSeconds) {
            return;
        }
        lastPrint = now;
        double elapsed = (now - stageStart) / 1e9;
        String left = total > 0 && done > 0 && !end
                ? String.format(Locale.ROOT, ", %s left", time(elapsed / done * (total - done))) : "";
        out.printf(Locale.ROOT, "      %d%s %s (%s%s)%n", done, total > 0 ? "/" + total : "", unit, time(elapsed),
                left);
        out.flush();
    }

    @Override
    public synchronized void message(String text) {
        out.println("      " + text);
        out.flush();
    }

    /** Prints the time of the last stage and of the whole run. */
    public synchronized void finish() {
        finishStage();
        out.printf(Locale.ROOT, "done in %s%n", time((System.nanoTime() - runStart) / 1e9));
        out.flush();
        stage = "";
    }

    private void finishStage() {
        if (!stage.isEmpty()) {
            out.printf(Locale.ROOT, "      %s: %s%n", stage, time((System.nanoTime() - stageStart) / 1e9));
        }
    }

    /** A duration as {@code 12.3 s}, {@code 4 min 05 s} or {@code 1 h 02 min}. */
    static String time(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }
}
