package fourm.demo;

import fourm.core.io.ConsoleProgress;

/**
 * Hears what the demo is doing: a stage starts, work within it advances, a message. {@link #console} shows it on
 * fourm-core's {@link ConsoleProgress}; {@link #NONE} ignores everything.
 */
public interface DemoProgress {
    /**
     * Shows the demo's progress on a console display.
     *
     * @param console the display (the caller {@linkplain ConsoleProgress#finish() finishes} it)
     * @return a listener that forwards to it
     */
    static DemoProgress console(ConsoleProgress console) {
        return new DemoProgress() {
            @Override
            public void stage(int index, int total, String name) {
                console.stage(index, total, name);
            }

            @Override
            public void progress(long done, long total, String unit) {
                console.progress(done, total, unit);
            }

            @Override
            public void message(String text) {
                console.message(text);
            }
        };
    }

    /** A listener that ignores everything. */
    DemoProgress NONE = new DemoProgress() {
        @Override
        public void stage(int index, int total, String name) {
        }

        @Override
        public void progress(long done, long total, String unit) {
        }

        @Override
        public void message(String text) {
        }
    };

    /**
     * A stage starts.
     *
     * @param index 1-based stage number
     * @param total stages of the run
     * @param name  what the stage does
     */
    void stage(int index, int total, String name);

    /**
     * Work in the current stage advanced.
     *
     * @param done  units done so far
     * @param total units of the stage (0 when unknown)
     * @param unit  what a unit is, e.g. {@code scenes}, {@code steps}
     */
    void progress(long done, long total, String unit);

    /** A line worth showing (a result, a file written, a timing). */
    void message(String text);
}
