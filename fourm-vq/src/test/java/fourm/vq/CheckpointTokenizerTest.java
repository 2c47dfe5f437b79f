package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CheckpointTokenizer}, the path modality-pose and modality-sam-instance take, on the reference-made pose and
 * SAM-instance tokenizers (saved as fourm-vq checkpoints): the reference's token ids and decoded outputs.
 */
class CheckpointTokenizerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"pose", "sam_instance"})
    void theReferenceWeightsOpenWithAnExplicitArchitecture(String variant) throws IOException {
        try (CheckpointTokenizer tok = CheckpointTokenizer.open(ReferenceGoldenParityTest.golden(variant
                + ".safetensors"), ReferenceGoldenParityTest.config(variant));
             SafetensorsReader io = SafetensorsReader.open(ReferenceGoldenParityTest.golden(variant
                     + ".io.safetensors"))) {
            assertThat(tok.encode(io.floats("input"), 2)).isEqualTo(io.longs("tokens"));
        }
        assertThatThrownBy(() -> CheckpointTokenizer.open(dir.resolve("absent.safetensors"),
                ReferenceGoldenParityTest.config(variant))).hasMessageContaining("absent.safetensors");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pose", "sam_instance"})
    void theReferenceTokenizerGivesItsTokensAndOutputsThroughThePluginPath(String variant) throws IOException {
        Path file = dir.resolve(variant + ".safetensors");
        try (VqModel m = VqCheckpoints.load(ReferenceGoldenParityTest.golden(variant + ".safetensors"),
                ReferenceGoldenParityTest.config(variant), VqCheckpoints.Scope.FULL)) {
            VqCheckpoints.save(m, file, Map.of());
        }
        try (CheckpointTokenizer tok = CheckpointTokenizer.open(file);
             SafetensorsReader io = SafetensorsReader.open(ReferenceGoldenParityTest.golden(variant
                     + ".io.safetensors"))) {
            assertThat(tok.config()).isEqualTo(ReferenceGoldenParityTest.config(variant));
            float[] input = io.floats("input");
            long[] ids = tok.encode(input, 2);
            assertThat(ids).isEqualTo(io.longs("tokens"));
            float[] decoded = tok.decode(ids, 2);
            float[] expected = io.floats("decoded");
            assertThat(decoded).hasSameSizeAs(expected).hasSize(2 * tok.outputSize());
            double max = 0;
            for (int i = 0; i < expected.length; i++) {
                max = Math.max(max, Math.abs(decoded[i] - expected[i]));
            }
            assertThat(max).isLessThanOrEqualTo(1e-5);

            assertThatThrownBy(() -> tok.encode(new float[3], 2)).hasMessageContaining("2 items need "
                    + 2 * tok.inputSize() + " values, got 3");
            float[] nan = input.clone();
            nan[tok.inputSize() + 1] = Float.NaN;
            assertThatThrownBy(() -> tok.encode(nan, 2)).hasMessageContaining("of item 1 is not finite");
            assertThatThrownBy(() -> tok.decode(new long[] {1, 2, 3}, 2)).hasMessageContaining("need");
            tok.close();
            assertThat(tok.encode(input, 2)).as("loaded again after close").isEqualTo(ids);
        }
    }
}
