package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import com.typesafe.config.Config;
import fourm.core.data.BadDatasetException;
import fourm.core.data.BadSampleException;
import fourm.core.data.DatasetManifest;
import fourm.core.data.IncompleteDatasetException;
import fourm.core.io.TrainLog;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMModel;
import fourm.core.model.NonFiniteCheckpointException;
import fourm.testing.ToyModalities;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training refuses what cannot succeed and never loses a step: NaN weights, diverging steps, incomplete or bad data,
 * a batch that cannot fit in memory.
 */
class TrainerReliabilityTest {
    @TempDir
    Path dir;

    private static Config config(Path out, Path data, String extra) {
        return TrainerTest.config(out, data, extra);
    }

    @Test
    void aCheckpointWithNaNWeightsIsRefusedByNameAndADivergingRunStops() throws IOException {
        Path data = dir.resolve("toy");
        ToyData.write(data, ToyModalities.specs(), 64, 7, 64);
        Config c = config(dir.resolve("a"), data, "fourm.train { steps = 30, eval.every = 0, checkpoint.every = 0 }");
        Experiment exp = Experiment.prepare(c, TrainerTest.modalities());
        Path init = dir.resolve("nan.safetensors");
        String poisoned;
        try (FourMModel m = FourMModel.create(exp.model(), 1)) {
            Map.Entry<String, NDArray> e = m.parameters().trainable().entrySet().iterator().next();
            poisoned = e.getKey();
            e.getValue().set(new NDIndex("..."), Float.NaN);
            Checkpoints.save(m, init, Map.of());
        }
        String initKey = "fourm.train.model.init = \"" + init.toString().replace("\\", "/") + "\"\n";
        Config strict = config(dir.resolve("b"), data, "fourm.train { steps = 30, eval.every = 0,"
                + " checkpoint.every = 0 }\n" + initKey);
        assertThatThrownBy(() -> TrainerTest.trainer(strict).run()).isInstanceOf(NonFiniteCheckpointException.class)
                .hasMessageContaining(poisoned).hasMessageContaining("NaN").hasMessageContaining("--allow-non-finite");

        Config allowed = config(dir.resolve("c"), data, "fourm.train { steps = 30, eval.every = 0,"
                + " checkpoint.every = 0, allow-non-finite = true, max-non-finite-steps = 4 }\n" + initKey);
        assertThatThrownBy(() -> TrainerTest.trainer(allowed).run()).isInstanceOf(NonFiniteTrainingException.class)
                .hasMessageContaining("4 consecutive steps").hasMessageContaining("up to step 4");
    }

    @Test
    void aFatalDataErrorWritesACheckpointOfTheCompletedSteps() throws IOException {
        Path data = dir.resolve("toy");
        ToyData.write(data, ToyModalities.specs(), 256, 7, 128);
        // garble the middle of the second caption shard, keeping its size: only reading it finds the damage
        Path shard = data.resolve(ToyModalities.CAPTION).resolve("shard-00001.tar");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[1024]);
            f.write("garbage".repeat(200).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        Path out = dir.resolve("run");
        Config c = config(out, data, "fourm.train { steps = 40, eval.every = 0, checkpoint.every = 0,"
                + " data.check = false }\nfourm.data.shuffle-buffer = 0\n");
        assertThatThrownBy(() -> TrainerTest.trainer(c).run()).isInstanceOf(BadSampleException.class)
                .hasMessageContaining(shard.toString());
        assertThat(out.resolve("checkpoints/step-00000016/model.safetensors")).as("128 samples = 16 steps of 8 kept")
                .isRegularFile();
        Config resume = config(out, data, "fourm.train { steps = 40, eval.every = 0, checkpoint.every = 0,"
                + " data.check = true, resume = true }\n");
        assertThatThrownBy(() -> TrainerTest.trainer(resume).run()).isInstanceOf(BadDatasetException.class)
                .hasMessageContaining("CRC-32").hasMessageContaining(shard.toString());
    }

    @Test
    void anIncompleteDatasetIsRefusedBeforeAnyStep() throws IOException {
        Path data = dir.resolve("toy");
        ToyData.write(data, ToyModalities.specs(), 64, 7, 32);
        Files.delete(data.resolve(ToyModalities.DEPTH).resolve(DatasetManifest.FILE_NAME));
        Path out = dir.resolve("run");
        Config c = config(out, data, "fourm.train { steps = 25, eval.every = 0, checkpoint.every = 0 }");
        assertThatThrownBy(() -> TrainerTest.trainer(c).run()).isInstanceOf(IncompleteDatasetException.class)
                .hasMessageContaining(data.resolve(ToyModalities.DEPTH).toString());
        assertThat(out.resolve("checkpoints")).doesNotExist();
        assertThat(out.resolve(TrainLog.FILE_NAME)).doesNotExist();
    }

    @Test
    void aBatchThatCannotFitInMemoryIsRefusedUpFront() {
        Config huge = config(dir.resolve("a"), dir.resolve("nodata"), "fourm.train { steps = 25, batch-size = 1e8 }");
        Experiment exp = Experiment.prepare(huge, TrainerTest.modalities());
        assertThatThrownBy(() -> TrainGuards.checkMemory(exp, OptionalLong.of(24L << 30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch-size = 100000000")
                .hasMessageContaining("accum-iter");
        assertThatThrownBy(() -> TrainerTest.trainer(huge).run()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch-size = 100000000");
        Config fine = config(dir.resolve("b"), dir.resolve("nodata"), "fourm.train { steps = 25, batch-size = 64 }");
        TrainGuards.checkMemory(Experiment.prepare(fine, TrainerTest.modalities()), OptionalLong.of(24L << 30));
    }
}
