package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fourm doctor} on the module path loads DJL's PyTorch engine offline and reports where it runs. */
class DoctorEndToEndTest {

    @Test
    void reportsThePyTorchEngineItsThreadsAndNativeLibraryOnTheModulePath() {
        ModulePathRun.Result r = ModulePathRun.fourm(Duration.ofSeconds(240), "doctor");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> report = parse(r.stdout());

        assertThat(report.get("mode")).isEqualTo("module path (module fourm.cli)");
        assertThat(report.get("offline")).contains("ai.djl.offline=true", "DJL_OFFLINE=true",
                "OPT_OUT_TRACKING=true");
        assertThat(report.get("modalities")).isEqualTo("19 discovered");
        assertThat(report.get("config")).isEqualTo("ok (default stack, 19 modalities enabled)");
        assertThat(report.get("engine")).startsWith("PyTorch 2.7.1 (DJL 0.35.1");
        assertThat(report.get("threads")).matches("[1-9][0-9]* intra-op \\(.*\\), [1-9][0-9]* inter-op \\(.*\\)");
        String nativeDir = report.get("native").replaceFirst(" \\(libtorch .*\\)$", "");
        assertThat(Path.of(nativeDir).resolve("libtorch_cpu.so")).as(report.get("native")).satisfies(
                p -> assertThat(Files.isRegularFile(p)).isTrue());
        assertThat(report.get("smoke test")).isEqualTo("sum([1, 2, 3]) = 6.0 ok");
    }

    @Test
    void reportsABadConfigurationWithExitCodeTwoButStillChecksTheRest(@TempDir Path tmp)
            throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.conf"), "fourm.experiment.modalities = [\"tok_nope@224\"]\n");
        ModulePathRun.Result r = ModulePathRun.fourm(Duration.ofSeconds(240), "doctor", "-c", file.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(Main.USER_ERROR);
        Map<String, String> report = parse(r.stdout());
        assertThat(report.get("modalities")).isEqualTo("19 discovered");
        assertThat(report.get("config")).startsWith("FAILED: ").contains("tok_nope@224", file.toString());
        assertThat(report.get("smoke test")).isEqualTo("sum([1, 2, 3]) = 6.0 ok");
    }

    /** {@code name: value} lines, in order. */
    private static Map<String, String> parse(String stdout) {
        Map<String, String> out = new LinkedHashMap<>();
        stdout.lines().forEach(l -> {
            int colon = l.indexOf(':');
            assertThat(colon).as("line '" + l + "' has a name").isPositive();
            out.put(l.substring(0, colon), l.substring(colon + 1).strip());
        });
        return out;
    }
}
