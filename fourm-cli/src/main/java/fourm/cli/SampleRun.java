package fourm.cli;

import fourm.api.GenerationScheme;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.ValueFormat;
import fourm.api.label.Photo;
import fourm.core.Fourm;
import fourm.core.generate.Step;
import fourm.core.generate.sampler.AnyToAny;
import fourm.core.generate.sampler.Prediction;
import fourm.core.generate.sampler.SamplerPreset;
import fourm.core.io.CheckpointException;
import fourm.core.model.ModalityCatalog;
import fourm.vq.Raster;
import fourm.vq.modality.ImageTokenModality;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code fourm generate --input ... --target ... --out DIR}: generation on a user's own values through
 * {@link AnyToAny}, the files written by {@link GenerateViews}. Every mistake a user can make (a missing or broken
 * file, an unknown modality, a target without a tokenizer checkpoint, an input the model does not take) is a
 * {@link UserError} naming the option, the file and what was expected.
 */
final class SampleRun {
    private static final Set<String> PHOTO_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    private final GenerateCommand c;

    SampleRun(GenerateCommand c) {
        this.c = c;
    }

    int run() {
        PrintWriter stdout = c.spec.commandLine().getOut();
        if (Files.isRegularFile(c.out)) {
            throw new UserError("--out " + c.out + " is a file; generation on values writes a folder");
        }
        SamplerPreset.Opened preset = null;
        try {
            Map<String, Modality> modalities;
            ModalityCatalog catalog;
            Path modelPath;
            List<String> classNames = List.of();
            if (c.preset != null) {
                Map<String, SamplerPreset> presets = SamplerPreset.available();
                SamplerPreset found = presets.get(c.preset);
                if (found == null) {
                    throw new UserError("--preset: unknown preset '" + c.preset + "'; " + (presets.isEmpty()
                            ? "no module on the module path provides one (fourm-demo provides 'demo')"
                            : "the presets are " + presets.keySet()));
                }
                try {
                    preset = found.open(Startup.loadConfig(c.main.config), c.model);
                } catch (IOException | IllegalArgumentException e) {
                    throw new UserError("--preset " + c.preset + ": " + e.getMessage(), e);
                }
                modalities = preset.modalities();
                catalog = ModalityCatalog.ofModalities(modalities);
                modelPath = preset.modelFile();
                classNames = preset.classNames();
            } else {
                if (c.model == null) {
                    throw new UserError("generate: --model DIR|FILE is required (or --preset demo)");
                }
                Fourm fourm = Startup.start(c.main);
                modalities = fourm.modalities();
                catalog = Startup.catalog(fourm);
                modelPath = c.model;
            }
            if (c.classNames != null) {
                classNames = readClassNames(c.classNames);
            }
            return generate(stdout, modalities, catalog, modelPath, classNames);
        } finally {
            if (preset != null) {
                preset.close();
            }
        }
    }

    private int generate(PrintWriter stdout, Map<String, Modality> modalities, ModalityCatalog catalog,
                         Path modelPath, List<String> classNames) {
        AnyToAny.Builder b = AnyToAny.builder().optModelPath(modelPath).optModalities(modalities).optCatalog(catalog)
                .optTargets(c.targets.toArray(new String[0])).optChained(!c.unchained).optSeed(c.seed);
        for (String s : c.settings) {
            override(b, s);
        }
        long t0 = System.nanoTime();
        try (AnyToAny sampler = build(b, modelPath)) {
            long t1 = System.nanoTime();
            for (String t : c.targets) {
                try {
                    sampler.requireTarget(t.strip());
                } catch (IllegalArgumentException e) {
                    throw new UserError("--target " + t.strip() + ": " + e.getMessage(), e);
                }
            }
            Map<String, Object> inputs = new LinkedHashMap<>();
            for (String arg : c.valueInputs) {
                int eq = arg.indexOf('=');
                if (eq <= 0) {
                    throw new UserError("--input " + arg + ": expected MODALITY=VALUE (e.g. rgb=photo.jpg,"
                            + " caption=\"a red car\")");
                }
                String key = resolve(sampler, arg.substring(0, eq), "--input " + arg);
                Object value = read(sampler, key, arg.substring(eq + 1), arg);
                try {
                    // Encoded once here so that a value the tokenizer refuses is blamed on its --input.
                    sampler.encodeInput(key, value);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--input " + arg + ": " + e.getMessage(), e);
                }
                if (inputs.put(key, value) != null) {
                    throw new UserError("--input " + arg + ": '" + key + "' is given twice");
                }
            }
            Prediction p;
            try {
                p = sampler.predict(inputs);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), e);
            }
            long t2 = System.nanoTime();
            List<Path> files;
            try {
                files = new GenerateViews(sampler, inputs, p, classNames).write(c.out);
            } catch (IOException e) {
                throw new UserError("cannot write to " + c.out + ": " + e.getMessage(), e);
            }
            for (String t : p.targets()) {
                Step s = sampler.step(t);
                stdout.printf(Locale.ROOT, "%-16s %-14s %3d step(s), temperature %.2f, cfg %.2f: %d token(s) in %.2f s%n",
                        t, s.scheme().configName(), s.steps(), s.temperature(), s.cfgScale(), p.tokens().get(t).length,
                        p.seconds().get(t));
            }
            stdout.printf(Locale.ROOT, "generated %d target(s) in %.2f s (model loaded in %.2f s); wrote %d file(s) to"
                    + " %s, grid %s%n", p.targets().size(), (t2 - t1) / 1e9, (t1 - t0) / 1e9, files.size(), c.out,
                    c.out.resolve(GenerateViews.GRID));
            stdout.flush();
            return Main.OK;
        }
    }

    private static AnyToAny build(AnyToAny.Builder b, Path modelPath) {
        try {
            return b.build();
        } catch (CheckpointException e) {
            throw new UserError(e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError("--model " + modelPath + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private static String resolve(AnyToAny sampler, String name, String where) {
        try {
            return sampler.resolve(name.strip());
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": " + e.getMessage(), e);
        }
    }

    /** One {@code --set TARGET.KEY=VALUE}. */
    static void override(AnyToAny.Builder b, String arg) {
        int eq = arg.indexOf('=');
        int dot = eq < 0 ? -1 : arg.lastIndexOf('.', eq);
        if (eq < 0 || dot <= 0) {
            throw new UserError("--set " + arg + ": expected TARGET.KEY=VALUE (e.g. caption.temperature=0.3)");
        }
        String target = arg.substring(0, dot);
        String key = arg.substring(dot + 1, eq);
        String value = arg.substring(eq + 1).strip();
        try {
            if (key.equals("top-p")) {
                b.optTopP(target, Double.parseDouble(value));
                return;
            }
            UnaryOperator<Step> op = switch (key) {
                case "temperature" -> s -> s.temperature(Double.parseDouble(value));
                case "temperature-schedule" -> s -> s.temperatureSchedule(value);
                case "cfg-scale" -> s -> s.cfgScale(Double.parseDouble(value));
                case "tokens" -> s -> s.tokens(Integer.parseInt(value));
                case "steps" -> s -> withScheme(s, s.scheme(), Integer.parseInt(value));
                case "scheme" -> s -> withScheme(s, GenerationScheme.fromConfigName(value), s.steps());
                default -> throw new UserError("--set " + arg + ": unknown key '" + key + "'; expected scheme, steps,"
                        + " temperature, temperature-schedule, cfg-scale, top-p or tokens");
            };
            // Applied once on a neutral step here, so that a bad value is reported now, not after loading.
            op.apply(Step.roar(1));
            b.optStep(target, s -> {
                try {
                    return op.apply(s);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--set " + arg + ": " + e.getMessage(), e);
                }
            });
        } catch (NumberFormatException e) {
            throw new UserError("--set " + arg + ": expected a number, got '" + value + "'", e);
        } catch (IllegalArgumentException e) {
            throw new UserError("--set " + arg + ": " + e.getMessage(), e);
        }
    }

    private static Step withScheme(Step s, GenerationScheme scheme, int steps) {
        Step n = switch (scheme) {
            case ROAR -> Step.roar(Math.max(1, steps));
            case MASKGIT -> Step.maskgit(Math.max(1, steps));
            case AUTOREGRESSIVE -> {
                if (steps != 0) {
                    throw new IllegalArgumentException("autoregressive decoding takes one step per token; no steps");
                }
                yield Step.autoregressive();
            }
        };
        n = n.temperature(s.temperature()).temperatureSchedule(s.temperatureSchedule());
        n = s.isWeighted() ? n.cfgWeights(s.cfgWeights().stream().mapToDouble(Double::doubleValue).toArray())
                : n.cfgScale(s.cfgScale());
        return s.tokens().isPresent() ? n.tokens(s.tokens().getAsInt()) : n;
    }

    /**
     * The value of one {@code --input}: text for a modality whose values are text (unless it names a file), a photo
     * brought to the model's size for an RGB image modality, otherwise the file read by the modality's format.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Object read(AnyToAny sampler, String key, String value, String arg) {
        Modality m = sampler.modalities().get(key);
        String where = "--input " + arg;
        if (m == null || m.tokenizer().isEmpty()) {
            throw new UserError(where + ": the model's modality '" + key + "' has no tokenizer here to read values"
                    + " with; its plugin is not on the module path, or is not enabled");
        }
        ModalityTokenizer<?> t = m.tokenizer().get();
        Path file = Path.of(value);
        if (t.valueType() == String.class && !(Files.isRegularFile(file) && m.format().isPresent())) {
            if (value.isBlank()) {
                throw new UserError(where + ": the text is empty");
            }
            return value;
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(where + ": no such file " + file);
        }
        ModalitySpec spec = m.spec();
        try {
            if (m instanceof ImageTokenModality itm && itm.values().name().equals("rgb") && isPhoto(file)) {
                return photo(file, spec);
            }
            ValueFormat format = m.format().orElseThrow(() -> new UserError(where + ": '" + key + "' has no file"
                    + " format to read " + file + " with"));
            Object v = format.read(file);
            if (v instanceof Raster r && spec.imageSize().isPresent()) {
                int h = spec.imageSize().getAsInt();
                int w = spec.imageWidth().orElse(h);
                if (r.height() != h || r.width() != w) {
                    throw new UserError(where + ": " + file + " is " + r.height() + "x" + r.width() + " but the"
                            + " model's '" + key + "' takes " + h + "x" + w + " maps; resize it to " + h + "x" + w);
                }
            }
            return v;
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(where + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(where + ": " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isPhoto(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot >= 0 && PHOTO_EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** A photo decoded (EXIF orientation, gray, alpha, 16 bit), resized and centre-cropped to the model's size. */
    static Raster photo(Path file, ModalitySpec spec) throws IOException {
        int h = spec.imageSize().orElseThrow(() -> new IllegalArgumentException(spec.key() + " has no image size"));
        int w = spec.imageWidth().orElse(h);
        Photo p = Photo.read(file).rgb(Photo.Alpha.COMPOSITE_ON_BLACK).resizeCenterCrop(h, w);
        float[] hwc = p.values();
        int n = h * w;
        float[] chw = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < 3; ch++) {
                chw[ch * n + i] = hwc[i * 3 + ch];
            }
        }
        return new Raster(3, h, w, chw);
    }

    private static List<String> readClassNames(Path file) {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.startsWith("#")) {
                    out.add(line.strip());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UserError("--class-names " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }
}
