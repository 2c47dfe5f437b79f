package fourm.synth;

import java.nio.file.Path;

/**
 * What a {@link SynthWorld#generate} run wrote.
 *
 * @param root    the output directory
 * @param samples how many samples were written
 * @param files   how many files were written, the manifest included
 * @param millis  wall-clock time of the run
 */
public record SynthSummary(Path root, int samples, long files, long millis) {
}
