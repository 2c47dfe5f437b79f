package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code tokenize} and {@code detokenize} on the module path, in a child JVM (the Hugging Face native library included). */
class TextCommandsEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void tokenizeAndDetokenizeRunOnTheModulePath() {
        ModulePathRun.Result r = ModulePathRun.fourm(TIMEOUT, "tokenize", "--modality", "det", "--json",
                "v0=0 v1=100 v2=200 v3=300 traffic light");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout().strip()).isEqualTo("[[204,1304,2404,3504,4276]]");
        ModulePathRun.Result d = ModulePathRun.fourm(TIMEOUT, "detokenize", "--modality", "det", r.stdout().strip());
        assertThat(d.exitCode()).as(d.toString()).isZero();
        assertThat(d.stdout().strip()).isEqualTo("v0=0 v1=100 v2=200 v3=300 traffic light");
    }
}
