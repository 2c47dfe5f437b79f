package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthWorldTest {
    private static final SynthSettings SMALL = TestSettings.with("resolution = 32, samples = 6, humans-probability = 0.5");

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void writesEveryModalityOfEverySampleInTheRawLayout(@TempDir Path dir) throws IOException {
        List<String> seen = new ArrayList<>();
        SynthSummary summary = SynthWorld.generate(SMALL, dir, (done, total, key) -> {
            assertThat(total).isEqualTo(6);
            assertThat(done).isEqualTo(seen.size() + 1);
            seen.add(key);
        });
        assertThat(seen).containsExactlyInAnyOrder("scene-000000", "scene-000001", "scene-000002", "scene-000003",
                "scene-000004", "scene-000005");
        Map<String, byte[]> files = files(dir);
        assertThat(files).hasSize(6 * SynthFile.values().length + 1);
        assertThat(summary.files()).isEqualTo(files.size());
        for (String key : seen) {
            for (SynthFile f : SynthFile.values()) {
                assertThat(files).containsKey(f.folder() + "/" + key + "." + f.extension());
            }
        }
        assertThat(files.keySet()).noneMatch(name -> name.endsWith(".tmp"));
        JsonObject manifest = JsonParser.parseString(new String(files.get(SynthWorld.MANIFEST),
                StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(manifest.get("samples").getAsInt()).isEqualTo(6);
        assertThat(manifest.getAsJsonArray("classes")).hasSize(Classes.count());
        assertThat(new String(files.get("caption/scene-000003.txt"), StandardCharsets.UTF_8))
                .isEqualTo(SynthWorld.sample(SMALL, 3).caption());
    }

    @Test
    void theSameSeedGivesByteIdenticalFilesWhateverTheThreadCount(@TempDir Path dir) throws IOException {
        SynthWorld.generate(SMALL.withThreads(1), dir.resolve("a"), ProgressListener.NONE);
        SynthWorld.generate(SMALL.withThreads(1), dir.resolve("b"), ProgressListener.NONE);
        SynthWorld.generate(SMALL.withThreads(3), dir.resolve("c"), ProgressListener.NONE);
        Map<String, byte[]> a = files(dir.resolve("a"));
        Map<String, byte[]> b = files(dir.resolve("b"));
        Map<String, byte[]> c = files(dir.resolve("c"));
        assertThat(b.keySet()).isEqualTo(a.keySet());
        assertThat(c.keySet()).isEqualTo(a.keySet());
        for (String name : a.keySet()) {
            assertThat(b.get(name)).as(name).isEqualTo(a.get(name));
            assertThat(c.get(name)).as(name).isEqualTo(a.get(name));
        }
    }

    @Test
    void aSampleInMemoryIsTheSampleOnDiskAndDependsOnlyOnSeedAndIndex(@TempDir Path dir) throws IOException {
        SynthWorld.generate(SMALL, dir, ProgressListener.NONE);
        SynthSample four = SynthWorld.sample(SMALL.withSamples(1).withThreads(1), 4);
        for (SynthFile f : SynthFile.values()) {
            assertThat(Files.readAllBytes(f.path(dir, "scene-000004"))).as(f.name()).isEqualTo(four.encode(f));
        }
        SynthSample otherSeed = SynthWorld.sample(SMALL.withSeed(2), 4);
        assertThat(otherSeed.rgb()).isNotEqualTo(four.rgb());
        assertThat(SynthWorld.sample(SMALL, 5).rgb()).isNotEqualTo(four.rgb());
    }

    @Test
    void rewritingReplacesFilesInPlace(@TempDir Path dir) throws IOException {
        SynthWorld.generate(SMALL.withSamples(2), dir, ProgressListener.NONE);
        Map<String, byte[]> first = files(dir);
        SynthWorld.generate(SMALL.withSamples(2), dir, ProgressListener.NONE);
        Map<String, byte[]> second = files(dir);
        assertThat(second.keySet()).isEqualTo(first.keySet());
    }

    @Test
    void anOutputPathThatIsAFileIsRefusedByName(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> SynthWorld.generate(SMALL, file, ProgressListener.NONE))
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void aFailedWriteNamesTheFileAndSample(@TempDir Path dir) throws IOException {
        // A regular file where the rgb folder should be: the writer cannot create rgb/<key>.png.
        Files.writeString(dir.resolve("rgb"), "in the way");
        assertThatThrownBy(() -> SynthWorld.generate(SMALL.withSamples(1), dir, ProgressListener.NONE))
                .isInstanceOf(IOException.class).hasMessageContaining("rgb");
    }

    @Test
    void generateReadsTheConfigNode(@TempDir Path dir) throws IOException {
        SynthSummary s = SynthWorld.generate(ConfigFactory.parseString(
                "fourm.synth { resolution = 16, samples = 2, key-prefix = \"t-\" }"), dir, ProgressListener.NONE);
        assertThat(s.samples()).isEqualTo(2);
        assertThat(SynthFile.RGB.path(dir, "t-000001")).exists();
    }
}
