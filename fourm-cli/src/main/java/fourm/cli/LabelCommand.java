package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.io.AtomicFiles;
import fourm.api.label.DenseMap;
import fourm.api.label.Detections;
import fourm.api.label.Keypoints;
import fourm.api.label.LabelImages;
import fourm.api.label.LabelResult;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;
import fourm.api.label.Rgb8Image;
import fourm.core.io.Npy;
import fourm.core.io.OutputLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm label --labeler NAME --images DIR --out DIR}: pseudo-labels a folder of photos with a pretrained model.
 *
 * <p>For each photo {@code NAME.ext} (PNG, JPEG, BMP, GIF; the folder itself, sorted by name) it writes
 * {@code NAME.json}, the label as the modality's files hold it (for {@code det} the reference's
 * {@code {"instances":[{"boxes":[xmin,ymin,xmax,ymax],"class_name":..,"score":..}]}}, boxes normalised), and
 * {@code NAME.overlay.png}, the label drawn over the photo for a person to look at. With {@code --format npy} a dense
 * map is written as {@code NAME.npy} instead of {@code NAME.json}: float32, shape (channels, height, width), the
 * feature files {@code fourm tokenizer-train} reads with {@code data.teacher = none}. Files are written under temporary
 * names and renamed. Labelers and the image support are found through {@link PseudoLabelerProvider#installed()} and
 * {@link LabelImages#installed()}; their settings come from the configuration ({@code -c FILE} over every module's
 * {@code reference.conf}).
 *
 * <p>Exit codes: 0 when every photo was labelled; 2 for a user error (unknown labeler, missing folder or model, a photo
 * that cannot be read; the other photos are still labelled); 1 when the labeler fails.
 */
@Command(name = "label", description = {
    "Pseudo-label every photo of a folder with a pretrained model; write NAME.json and "
        + "NAME.overlay.png per photo.",
    "Labelers: det:nanodet (COCO boxes), keypoints:movenet (body keypoints), person-mask:selfie "
        + "(person mask), features:movenet-backbone (a backbone feature map). Models come from "
        + "bin/fetch-models; --list shows what is installed. Offline stand-ins for the embedding teachers "
        + "need no model: clip:synthetic, dinov2:synthetic, imagebind:synthetic, dinov2-global:synthetic, "
        + "imagebind-global:synthetic (fixed random networks, fourm-teacher)."
})
final class LabelCommand implements Callable<Integer> {
    private static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--labeler", paramLabel = "NAME", description = "The labeler, e.g. det:nanodet.")
    String labeler;

    @Option(names = "--images", paramLabel = "DIR", description = "The folder of photos to label.")
    Path images;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the labels and overlays go (created).")
    Path out;

    @Option(names = "--no-overlay", description = "Write the label files only.")
    boolean noOverlay;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
            description = "json (default): NAME.json. npy: NAME.npy, a dense map as float32 (C, H, W), the layout"
                    + " fourm tokenizer-train reads as features (data.teacher = none); dense-map labelers only.")
    String format;

    @Option(names = "--list", description = "List the installed labelers and exit.")
    boolean list;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        List<PseudoLabelerProvider> providers = PseudoLabelerProvider.installed();
        if (list) {
            for (PseudoLabelerProvider p : providers) {
                stdout.println(p.name() + "  (settings: " + p.configPath() + ")");
            }
            stdout.flush();
            return Main.OK;
        }
        if (labeler == null || images == null || out == null) {
            throw new UserError("label needs --labeler NAME, --images DIR and --out DIR (or --list)");
        }
        if (!format.equals("json") && !format.equals("npy")) {
            throw new UserError("--format " + format + ": expected json or npy");
        }
        PseudoLabelerProvider provider = providers.stream().filter(p -> p.name().equals(labeler)).findFirst()
                .orElseThrow(() -> new UserError("unknown labeler '" + labeler + "'; installed: " + (providers.isEmpty()
                        ? "none (is fourm-tfjs on the module path?)"
                        : providers.stream().map(PseudoLabelerProvider::name).collect(Collectors.joining(", ")))));
        LabelImages io = LabelImages.installed().orElseThrow(() -> new IllegalStateException(
                "no image support (fourm.api.label.LabelImages) on the module path; is fourm-tfjs installed?"));
        List<Path> photos = photos(images);
        try (OutputLock lock = OutputLocks.acquire(out, "fourm label", spec.commandLine().getErr())) {

            Config config = Startup.loadConfig(main.config);
            Config node;
            try {
                node = config.getConfig(provider.configPath());
            } catch (ConfigException e) {
                throw new UserError(e.getMessage(), e);
            }
            long opening = System.nanoTime();
            PseudoLabeler model;
            try {
                model = provider.open(node);
            } catch (ConfigException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IllegalStateException e) {
                // A missing or malformed model file: the message names it and says how to fetch the models.
                throw new UserError(e.getMessage(), e);
            }
            stdout.printf(Locale.ROOT, "%s: model loaded in %.1f s; labelling %d photo%s from %s%n", provider.name(),
                    (System.nanoTime() - opening) / 1e9, photos.size(), photos.size() == 1 ? "" : "s", images);
            stdout.flush();
            List<String> unreadable = new ArrayList<>();
            long start = System.nanoTime();
            try (PseudoLabeler l = model) {
                for (int i = 0; i < photos.size(); i++) {
                    Path photo = photos.get(i);
                    String stem = stem(photo);
                    Rgb8Image image;
                    try {
                        image = io.read(photo);
                    } catch (IOException e) {
                        unreadable.add(e.getMessage());
                        stdout.printf(Locale.ROOT, "[%d/%d] %s: skipped, %s%n", i + 1, photos.size(), photo.getFileName(),
                                e.getMessage());
                        stdout.flush();
                        continue;
                    }
                    long t0 = System.nanoTime();
                    LabelResult label = l.label(image);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (format.equals("npy")) {
                        if (!(label instanceof DenseMap m)) {
                            throw new UserError("--format npy writes dense maps, but " + provider.name() + " labelled "
                                    + photo.getFileName() + " with " + label.getClass().getSimpleName()
                                    + "; use --format json");
                        }
                        AtomicFiles.write(out.resolve(stem + ".npy"),
                                Npy.writeFloat32(new int[] {m.channels(), m.height(), m.width()}, channelsFirst(m)));
                    } else {
                        AtomicFiles.write(out.resolve(stem + ".json"), label.toJson().getBytes(StandardCharsets.UTF_8));
                    }
                    if (!noOverlay) {
                        AtomicFiles.write(out.resolve(stem + ".overlay.png"), io.overlayPng(image, label));
                    }
                    stdout.printf(Locale.ROOT, "[%d/%d] %s: %s (%d ms)%n", i + 1, photos.size(), photo.getFileName(),
                            summary(label), ms);
                    stdout.flush();
                }
            }
            int done = photos.size() - unreadable.size();
            stdout.printf(Locale.ROOT, "labelled %d photo%s in %.1f s; labels in %s%n", done, done == 1 ? "" : "s",
                    (System.nanoTime() - start) / 1e9, out);
            stdout.flush();
            if (!unreadable.isEmpty()) {
                throw new UserError(unreadable.size() + " photo(s) could not be read: " + String.join("; ", unreadable));
            }
            return Main.OK;
        }
    }

    /** The photos of the folder, by name; two photos that would write the same label file are refused. */
    private static List<Path> photos(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new UserError("--images " + dir + ": no such folder");
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(Files::isRegularFile).filter(p -> EXTENSIONS.contains(extension(p))).sorted().toList();
        }
        if (found.isEmpty()) {
            throw new UserError("--images " + dir + ": no photos (expected files ending in " + EXTENSIONS + ")");
        }
        Map<String, Path> byStem = new HashMap<>();
        for (Path p : found) {
            Path other = byStem.put(stem(p), p);
            if (other != null) {
                throw new UserError("--images " + dir + ": " + other.getFileName() + " and " + p.getFileName()
                        + " would both be labelled " + stem(p) + ".json; rename one");
            }
        }
        return found;
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }


    /** The map's values as (channels, height, width), from its (height, width, channels) layout. */
    static float[] channelsFirst(DenseMap m) {
        float[] hwc = m.values();
        int plane = m.height() * m.width();
        float[] chw = new float[hwc.length];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < m.channels(); c++) {
                chw[c * plane + p] = hwc[p * m.channels() + c];
            }
        }
        return chw;
    }

    private static String summary(LabelResult label) {
        if (label instanceof Detections d) {
            return d.instances().isEmpty() ? "no objects" : d.instances().stream()
                    .map(x -> String.format(Locale.ROOT, "%s %.2f", x.className(), x.score()))
                    .collect(Collectors.joining(", "));
        }
        if (label instanceof Keypoints k) {
            return k.poses().isEmpty() ? "no person" : k.poses().size() + " person(s), score "
                    + String.format(Locale.ROOT, "%.2f", k.poses().get(0).score());
        }
        if (label instanceof DenseMap m) {
            return m.height() + "x" + m.width() + "x" + m.channels() + " map";
        }
        return label.getClass().getSimpleName();
    }
}
