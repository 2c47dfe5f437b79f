package fourm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.typesafe.config.ConfigFactory;
import fourm.api.io.AtomicFiles;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.vq.ImageTokenizer;
import fourm.vq.ImageValues;
import fourm.vq.ReferencePresets;
import fourm.vq.ReferenceTokenizer;
import fourm.vq.VqModel;
import fourm.vq.diffusion.GaussianNoise;
import fourm.vq.values.ImageValueKit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fourm bench tokenizer}: the reference's VQ-VAE image tokenizer at the released size (ViT-B encoder and
 * decoder, patch 16, 224 px, lucid cosine-similarity codebook of 8192 codes of dimension 32, tanh post-MLP: the
 * architecture of the released ViT-B VQ-VAE tokenizers; one channel, as depth), random weights: encode (image to token
 * ids) and decode (token ids to image) per batch size, the median of the timed repeats after untimed warm-ups.
 *
 * <p>With {@code --reference} the reference implementation builds its own {@code VQVAE} with seeded random weights in
 * a Python subprocess, writes them in its published directory layout ({@code config.json} + {@code
 * model.safetensors}) together with a seeded input batch and its token ids, and times its encode and decode; fourm
 * then loads that directory ({@link ImageTokenizer#loadReference}), times its own on the same inputs, and reports the
 * fraction of token ids equal to the reference's and the speed ratios. Without it, fourm writes a random tokenizer
 * directory in the same layout itself and times only its own side.
 */
@Command(name = "tokenizer", description = {
    "The VQ-VAE image tokenizer (ViT-B, 224 px, 8192 codes, random weights): encode and decode times.",
    "Encoder and decoder are ViT-B (patch 16, 224 px), the codebook has 8192 codes of dimension 32; per batch size the "
        + "median of the timed encodes and decodes.",
    "With --reference, the reference's own VQVAE (Debian python3-torch) makes the weights and inputs and is timed "
        + "first; fourm loads the same weights, checks its token ids against the reference's and prints the ratios."})
final class TokenizerBenchCommand implements Callable<Integer> {
    /** The encoder and decoder presets of {@code --vit}, declared on both sides. */
    static final String BENCH_ENC = "bench_vit_enc";
    static final String BENCH_DEC = "bench_vit_dec";

    @Spec
    CommandSpec spec;

    @Option(names = "--side", defaultValue = "224", paramLabel = "PX", description = "Image side (default: "
            + "${DEFAULT-VALUE}).")
    int side;

    @Option(names = "--patch", defaultValue = "16", paramLabel = "PX", description = "Patch side (default: "
            + "${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--channels", defaultValue = "1", paramLabel = "C",
            description = "Image channels: 1 (depth values) or 3 (RGB) (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--codebook", defaultValue = "8192", paramLabel = "N", description = "Codebook size (default: "
            + "${DEFAULT-VALUE}).")
    int codebook;

    @Option(names = "--latent", defaultValue = "32", paramLabel = "D", description = "Code dimension (default: "
            + "${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--vit", split = ",", paramLabel = "DIM,DEPTH,HEADS",
            description = "Another ViT size for encoder and decoder (default: the reference's vit_b_enc / vit_b_dec, "
                    + "768,12,12); small sizes make quick test runs.")
    int[] vit;

    @Option(names = "--batches", defaultValue = "1,8", split = ",", paramLabel = "B",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "W",
            description = "Untimed encodes and decodes first, per batch size (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "5", paramLabel = "R",
            description = "Timed encodes and decodes per batch size; the median counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the weights and inputs (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every timing to FILE (JSON).")
    Path json;

    @Option(names = "--reference", paramLabel = "DIR",
            description = "An export of apple/ml-4m: the reference's VQVAE makes the weights and inputs and is timed "
                    + "too (Python subprocess).")
    Path reference;

    @Mixin
    ReferenceProcess referenceProcess;

    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        if (patch < 1 || side < patch || side % patch != 0 || (channels != 1 && channels != 3) || codebook < 2
                || latent < 1 || warmup < 0 || repeats < 1 || batches.length == 0
                || Arrays.stream(batches).anyMatch(b -> b < 1)) {
            throw new UserError("--side must be a positive multiple of --patch, --channels 1 or 3, --codebook >= 2, "
                    + "--latent >= 1, --batches >= 1, --repeats >= 1, --warmup >= 0");
        }
        if (vit != null && (vit.length != 3 || vit[0] < 1 || vit[1] < 1 || vit[2] < 1 || vit[0] % vit[2] != 0)) {
            throw new UserError("--vit must be DIM,DEPTH,HEADS, all >= 1, DIM a multiple of HEADS");
        }
        if (reference != null) {
            referenceProcess.check(reference);
        }
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
        double loadBefore = BenchFiles.loadAverage();
        JsonObject kwargs = kwargs();
        ImageValues values = channels == 1 ? ImageValueKit.depth() : ImageValueKit.rgb();
        ReferencePresets presets = presets();
        Path dir = Files.createTempDirectory("fourm-bench-tokenizer");
        try {
            JsonObject ref = null;
            if (reference != null) {
                List<String> args = new ArrayList<>(List.of("--out", dir.toString(), "--kwargs", kwargs.toString(),
                        "--batches", ReferenceProcess.join(batches), "--warmup", Integer.toString(warmup), "--repeats",
                        Integer.toString(repeats), "--threads", Integer.toString(threads), "--seed",
                        Integer.toString(seed)));
                if (vit != null) {
                    args.addAll(List.of("--vit", vit[0] + "," + vit[1] + "," + vit[2]));
                }
                ref = referenceProcess.run("tokenizer_reference_bench.py", reference, args, threads, err);
            } else {
                writeRandomTokenizer(dir, kwargs, values, presets);
            }
            JsonObject root = new JsonObject();
            root.addProperty("benchmark", "tokenizer");
            root.add("model", kwargs);
            try (ImageTokenizer tok = ImageTokenizer.loadReference(dir, values, presets)) {
                VqModel model = tok.model();
                root.addProperty("parameters", model.parameterCount());
                out.printf(Locale.ROOT, "fourm bench tokenizer: VQ-VAE %s/%s (%.1fM parameters), %d px, patch %d, %d "
                        + "channel(s), %d codes of dimension %d, random weights%s; engine %s, %d threads%n",
                        kwargs.get("enc_type").getAsString(), kwargs.get("dec_type").getAsString(),
                        model.parameterCount() / 1e6, side, patch, channels, codebook, latent,
                        reference == null ? " (fourm's)" : " (the reference's, same seed and inputs)",
                        Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(), threads);
                out.flush();
                measure(model, dir, ref, root);
            }
            root.addProperty("warmup", warmup);
            root.addProperty("repeats", repeats);
            root.addProperty("threads", threads);
            if (ref != null) {
                root.add("reference", ref);
                out.println(referenceProcess.describe(ref, "speed-up = reference median / fourm median"));
            }
            double loadAfter = BenchFiles.loadAverage();
            BenchFiles.addEnvironment(root, loadBefore, loadAfter);
            out.printf(Locale.ROOT, "load average %.2f before, %.2f after%n", loadBefore, loadAfter);
            out.flush();
            if (json != null) {
                BenchFiles.writeJson(json, root);
            }
        } finally {
            deleteTree(dir);
        }
        return Main.OK;
    }

    /** The reference's VQVAE constructor arguments (its config.json) of the options. */
    private JsonObject kwargs() {
        JsonObject o = new JsonObject();
        o.addProperty("enc_type", vit == null ? "vit_b_enc" : BENCH_ENC);
        o.addProperty("dec_type", vit == null ? "vit_b_dec" : BENCH_DEC);
        o.addProperty("image_size", side);
        o.addProperty("n_channels", channels);
        o.addProperty("patch_size", patch);
        o.addProperty("codebook_size", codebook);
        o.addProperty("latent_dim", latent);
        o.addProperty("post_mlp", true);
        o.addProperty("patch_proj", true);
        o.addProperty("quant_type", "lucid");
        o.addProperty("norm_codes", true);
        o.addProperty("norm_latents", false);
        o.addProperty("kmeans_init", false);
        o.addProperty("sync_codebook", false);
        o.addProperty("ema_decay", 0.99);
        o.addProperty("threshold_ema_dead_code", 0.25);
        o.addProperty("commitment_weight", 1.0);
        return o;
    }

    /** The built-in presets, plus {@code --vit}'s (the same ViT classes at another size). */
    private ReferencePresets presets() {
        ReferencePresets p = ReferencePresets.builtIn();
        if (vit == null) {
            return p;
        }
        String net = String.format(Locale.ROOT, "{ type = vit, dim = %d, depth = %d, heads = %d, mlp-ratio = 4 }",
                vit[0], vit[1], vit[2]);
        return p.with(ReferencePresets.fromConfig(ConfigFactory.parseString(BENCH_ENC + " " + net + "\n" + BENCH_DEC
                + " " + net)));
    }

    /**
     * Without the reference: a random tokenizer of fourm's in the reference's directory layout. The configuration is
     * read from the directory's config.json (with a placeholder weights file, which reading does not open), then the
     * model's weights replace the placeholder.
     */
    private void writeRandomTokenizer(Path dir, JsonObject kwargs, ImageValues values, ReferencePresets presets)
            throws IOException {
        AtomicFiles.writeString(dir.resolve(ReferenceTokenizer.CONFIG_FILE), kwargs.toString());
        Path weights = dir.resolve("model.safetensors");
        Files.writeString(weights, "");
        ReferenceTokenizer ref = ReferenceTokenizer.read(dir, "bench", values, presets);
        try (VqModel model = VqModel.create(ref.config(), seed)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String key : model.stateDictKeys()) {
                w.add(key, model.tensor(key));
            }
            w.write(weights);
        }
    }

    private void measure(VqModel model, Path dir, JsonObject ref, JsonObject root) throws IOException {
        int grid = side / patch;
        JsonObject enc = new JsonObject();
        JsonObject dec = new JsonObject();
        JsonObject agree = new JsonObject();
        try (SafetensorsReader inputs = ref == null ? null : SafetensorsReader.open(dir.resolve("inputs.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            for (int b : batches) {
                NDArray x = inputs == null
                        ? GaussianNoise.seeded(seed + 1L).next(m, new Shape(b, channels, side, side))
                        : m.create(inputs.floats("input_" + b), new Shape(b, channels, side, side));
                double[] encSeconds = new double[repeats];
                long[] ids = null;
                for (int i = 0; i < warmup + repeats; i++) {
                    try (NDManager sm = m.newSubManager()) {
                        // the input in the repeat's own manager (untimed): an operation's result belongs to its first
                        // operand's manager, so an input of the outer manager would keep every intermediate alive
                        NDArray xs = x.duplicate();
                        xs.attach(sm);
                        long t0 = System.nanoTime();
                        ids = model.tokenize(sm, xs);
                        double s = (System.nanoTime() - t0) / 1e9;
                        if (i >= warmup) {
                            encSeconds[i - warmup] = s;
                        }
                    }
                }
                String line = String.format(Locale.ROOT, "encode, batch %d: %8.1f ms (median of %d)", b,
                        median(encSeconds) * 1e3, repeats);
                long[] decodeIds = ids;
                if (inputs != null) {
                    long[] want = inputs.longs("tokens_" + b);
                    int same = 0;
                    for (int i = 0; i < want.length; i++) {
                        same += want[i] == ids[i] ? 1 : 0;
                    }
                    double frac = (double) same / want.length;
                    agree.addProperty(Integer.toString(b), frac);
                    line += String.format(Locale.ROOT, "; token ids equal to the reference's: %d of %d (%.4f)%s",
                            same, want.length, frac, ratio(ref, "encode", b, encSeconds));
                    decodeIds = want;  // both sides decode the same ids
                }
                out.println(line);
                double[] decSeconds = new double[repeats];
                for (int i = 0; i < warmup + repeats; i++) {
                    try (NDManager sm = m.newSubManager()) {
                        long t0 = System.nanoTime();
                        model.decodeTokens(sm, decodeIds, b, grid, grid).toFloatArray();
                        double s = (System.nanoTime() - t0) / 1e9;
                        if (i >= warmup) {
                            decSeconds[i - warmup] = s;
                        }
                    }
                }
                out.printf(Locale.ROOT, "decode, batch %d: %8.1f ms (median of %d)%s%n", b, median(decSeconds) * 1e3,
                        repeats, ref == null ? "" : ratio(ref, "decode", b, decSeconds));
                out.flush();
                enc.add(Integer.toString(b), array(encSeconds));
                dec.add(Integer.toString(b), array(decSeconds));
            }
        }
        JsonObject fourm = new JsonObject();
        fourm.add("encode", enc);
        fourm.add("decode", dec);
        root.add("fourm", fourm);
        if (ref != null) {
            root.add("token_agreement", agree);
        }
    }

    private static String ratio(JsonObject ref, String what, int batch, double[] fourmSeconds) {
        JsonArray times = ref.getAsJsonObject(what).getAsJsonArray(Integer.toString(batch));
        double[] r = new double[times.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = times.get(i).getAsDouble();
        }
        double rm = median(r);
        return String.format(Locale.ROOT, "; reference %.1f ms, speed-up %.2fx", rm * 1e3, rm / median(fourmSeconds));
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static JsonArray array(double[] xs) {
        JsonArray a = new JsonArray();
        for (double x : xs) {
            a.add(x);
        }
        return a;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
