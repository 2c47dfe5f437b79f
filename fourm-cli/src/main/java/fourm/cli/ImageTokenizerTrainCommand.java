package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.vq.train.DivaeTraining;
import fourm.vq.train.TrainingRun;
import fourm.vq.train.VqTrainSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm tokenizer-train --modality NAME [-c FILE]}: trains the image-like tokenizer of a preset
 * ({@code fourm.vq.presets.NAME}) with fourm-vq's {@link TrainingRun}: progress on stderr, log, checkpoints and resume
 * in the output folder, metrics of the held-out images at the end.
 */
@Command(name = "tokenizer-train", description = {
    "Train an image-like tokenizer (VQ-VAE, Memcodes or DiVAE) of a preset.",
    "Presets: rgb, depth, normal, semseg, canny-edge, clip, dinov2-global, or one defined under "
        + "fourm.vq.presets in the -c file. Settings come from fourm.vq.train and the preset's train block; "
        + "the options below override them. Resumes from the output folder's latest checkpoint.",
    "A preset with a diffusion node trains a DiVAE: its model is the encoder, its decoder a patched-UNet "
        + "diffusion decoder trained on the reference's diffusion loss; the result decodes through any image plugin."
})
final class ImageTokenizerTrainCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--modality", paramLabel = "NAME", required = true,
            description = "The preset to train (fourm.vq.presets.NAME).")
    String modality;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Dataset root in the raw layout DIR/<folder>/<key>.png (fourm.vq.train.data.path).")
    Path data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Output folder (fourm.vq.train.output-dir).")
    Path output;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (fourm.vq.train.steps).")
    Long steps;

    @Option(names = "--minutes", paramLabel = "M",
            description = "Stop this session after M minutes (fourm.vq.train.time-limit-minutes).")
    Double minutes;

    @Override
    public Integer call() {
        Config config = Startup.loadConfig(main.config);
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (data != null) {
            overrides.put("fourm.vq.train.data.path", data.toString());
        }
        if (output != null) {
            overrides.put("fourm.vq.train.output-dir", output.toString());
        }
        if (steps != null) {
            overrides.put("fourm.vq.train.steps", steps);
        }
        if (minutes != null) {
            overrides.put("fourm.vq.train.time-limit-minutes", minutes);
        }
        VqTrainSettings settings;
        try {
            settings = VqTrainSettings.fromConfig(ConfigFactory.parseMap(overrides).withFallback(config).resolve(),
                    modality);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        }
        Optional<DivaeTraining.Spec> divae;
        try {
            divae = DivaeTraining.fromConfig(ConfigFactory.parseMap(overrides).withFallback(config).resolve(),
                    settings);
        } catch (ConfigException e) {
            throw new UserError(e.getMessage(), e);
        }
        TrainingRun.Result r;
        try {
            r = divae.isPresent() ? DivaeTraining.run(settings, divae.get(), System.err)
                    : TrainingRun.run(settings, System.err);
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("tokenizer " + settings.preset() + ": " + r.tokenizer() + " (step " + r.steps() + " of "
                + settings.steps() + (r.finished() ? "" : ", stopped by the time limit") + ")");
        out.println(TrainingRun.format(r.metrics()));
        out.flush();
        return Main.OK;
    }
}
