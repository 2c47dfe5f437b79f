package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.core.Fourm;
import fourm.core.data.DataConfig;
import fourm.core.data.DatasetCheck;
import fourm.core.data.SampleInputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code fourm data ...}: dataset tools; {@code fourm data check DATASET} scans a dataset for bad samples. */
@Command(name = "data", description = "Dataset tools.", subcommands = DataCommand.Check.class)
final class DataCommand implements Runnable {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: check");
    }

    /** The spec with the vocabulary size {@code fourm.train.vocab-sizes} gives its key, as training reads it. */
    static ModalitySpec withTrainVocabulary(Config config, ModalitySpec spec) {
        String path = "fourm.train.vocab-sizes." + ConfigUtil.quoteString(spec.key());
        if (!config.hasPath(path)) {
            return spec;
        }
        int v;
        try {
            v = config.getInt(path);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        }
        return spec.withVocabSize(v);
    }

    /**
     * {@code fourm data check DATASET}: checks that every modality folder is complete (its manifest, shard sizes and
     * CRC-32s) and reads every sample as training would, listing each bad one with its file, key and value. Exit 0
     * when the dataset is clean, 1 when the check found problems.
     */
    @Command(name = "check", description = {
        "Scan a dataset for incomplete folders, corrupt shards and bad samples.",
        "Reads DATASET/<modality>/shard-NNNNN.tar as training reads it, with the vocabulary sizes of "
            + "fourm.train.vocab-sizes, and lists each bad sample (shape, token ids outside the vocabulary, "
            + "undecodable files, keys missing in a modality). Exit 0 when clean, 1 when problems were found. "
            + "fourm train runs it first unless fourm.train.data.check = false."})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        DataCommand data;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset root.")
        Path root;

        @Option(names = "--modalities", split = ",", paramLabel = "KEY",
                description = "Modality folders to check (default: every folder that is an enabled modality).")
        List<String> modalities;

        @Override
        public Integer call() {
            Fourm fourm = Startup.start(data.main.config);
            if (!Files.isDirectory(root)) {
                throw new UserError("the dataset folder " + root + " does not exist");
            }
            List<String> keys = modalities;
            if (keys == null || keys.isEmpty()) {
                try (Stream<Path> s = Files.list(root)) {
                    keys = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                            .filter(fourm.modalities()::containsKey).sorted().toList();
                } catch (IOException e) {
                    throw new UserError("cannot list " + root + ": " + e.getMessage(), e);
                }
                if (keys.isEmpty()) {
                    throw new UserError(root + " holds no folder of an enabled modality (the modalities are "
                            + new TreeSet<>(fourm.modalities().keySet()) + ")");
                }
            }
            Map<String, ModalitySpec> specs = new LinkedHashMap<>();
            for (String k : keys) {
                Modality m = fourm.modalities().get(k);
                if (m == null) {
                    throw new UserError("'" + k + "' is not an enabled modality; the modalities are "
                            + new TreeSet<>(fourm.modalities().keySet()));
                }
                specs.put(k, withTrainVocabulary(fourm.config(), m.spec()));
            }
            DatasetCheck.Report report;
            try {
                Map<String, Modality> checked = new LinkedHashMap<>();
                specs.keySet().forEach(k -> checked.put(k, fourm.modalities().get(k)));
                report = DatasetCheck.run(root, specs, SampleInputs.textTokenizers(checked),
                        DataConfig.fromConfig(fourm.config()));
            } catch (NoSuchFileException e) {
                throw new UserError("no such file or folder: " + e.getFile() + (e.getReason() == null ? ""
                        : " (" + e.getReason() + ")"), e);
            } catch (IOException | UncheckedIOException e) {
                throw new UserError("cannot read " + root + ": " + e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            for (String p : report.problems()) {
                out.println("problem: " + p);
            }
            out.println((report.ok() ? "OK " : "PROBLEMS ") + report.summary());
            out.flush();
            return report.ok() ? Main.OK : Main.FAILED;
        }
    }
}
