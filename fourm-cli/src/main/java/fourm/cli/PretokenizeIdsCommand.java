package fourm.cli;

import com.typesafe.config.ConfigException;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.core.Fourm;
import fourm.core.data.DataConfig;
import fourm.core.io.OutputLock;
import fourm.core.train.Pretokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm pretokenize-ids --input DIR --output DIR}: packs modalities whose values are already token ids
 * ({@code DIR/<modality>/<key>.npy}, one integer array per sample) into the dataset format training reads
 * ({@code OUT/<modality>/shard-NNNNN.tar}), after checking every file against the modality's specification.
 * ({@code fourm pretokenize} tokenizes images and maps with an image tokenizer; this command is for values that are
 * token ids already.)
 */
@Command(name = "pretokenize-ids", description = {
    "Pack pre-tokenized samples into dataset shards.",
    "Reads INPUT/<modality>/<key>.npy integer arrays and writes OUTPUT/<modality>/shard-NNNNN.tar, "
        + "checking shapes and vocabularies against the modality plugins."
})
final class PretokenizeIdsCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "DIR",
            description = "Folder with one sub-folder of <key>.npy files per modality.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Dataset root to write (its modality folders must hold no shard yet).")
    Path output;

    @Option(names = "--modalities", split = ",", paramLabel = "KEY",
            description = "Modalities to pack (default: every sub-folder of the input).")
    List<String> modalities;

    @Option(names = "--samples-per-shard", paramLabel = "N",
            description = "Samples per shard (default: fourm.data.samples-per-shard).")
    Integer samplesPerShard;

    @Option(names = "--rebuild", description = "Write modality folders that have no manifest.json again, even when"
            + " their shards already hold this run's complete output (by default such a folder, written before"
            + " manifests existed, is verified and adopted).")
    boolean rebuild;

    @Override
    public Integer call() {
        Fourm fourm = Startup.start(main);
        if (!Files.isDirectory(input)) {
            throw new UserError("the input folder " + input + " does not exist");
        }
        List<String> keys = modalities;
        if (keys == null || keys.isEmpty()) {
            keys = new ArrayList<>();
            try (Stream<Path> s = Files.list(input)) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    if (Files.isDirectory(p)) {
                        keys.add(p.getFileName().toString());
                    }
                }
            } catch (IOException e) {
                throw new UserError("cannot list " + input + ": " + e.getMessage(), e);
            }
            if (keys.isEmpty()) {
                throw new UserError(input + " holds no modality folder (expected " + input
                        + "/<modality>/<key>.npy)");
            }
        }
        Map<String, ModalitySpec> specs = new LinkedHashMap<>();
        for (String k : keys) {
            Modality m = fourm.modalities().get(k);
            if (m == null) {
                throw new UserError("'" + k + "' (" + input.resolve(k) + ") is not an enabled modality; the"
                        + " modalities are " + new TreeSet<>(fourm.modalities().keySet()));
            }
            specs.put(k, m.spec());
        }
        int perShard;
        try {
            perShard = samplesPerShard != null ? samplesPerShard
                    : DataConfig.fromConfig(fourm.config()).samplesPerShard();
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (perShard < 1) {
            throw new UserError("--samples-per-shard must be >= 1, got " + perShard);
        }
        Pretokenizer.Result r;
        try (OutputLock lock = OutputLocks.acquire(output, "fourm pretokenize-ids", spec.commandLine().getErr())) {
            List<String> sampleKeys = Pretokenizer.sampleKeys(input, specs);
            if (OutputLocks.adoptOrClear(output, new ArrayList<>(specs.keySet()), sampleKeys, perShard, rebuild,
                    spec.commandLine().getErr())) {
                spec.commandLine().getOut().println("adopted " + sampleKeys.size() + " samples of " + specs.keySet()
                        + " in " + output + "; nothing to write");
                return Main.OK;
            }
            r = Pretokenizer.run(input, output, specs, perShard);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file or folder: " + e.getFile() + (e.getReason() == null ? ""
                    : " (" + e.getReason() + ")"), e);
        } catch (IOException e) {
            throw new UserError("pretokenize failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote " + r.samples() + " samples of " + specs.keySet() + " to "
                + output + " (" + r.shards() + " shard files)");
        return Main.OK;
    }
}
