package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.layout.SinCosTables;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.api.masking.SpecialTokens;
import fourm.core.model.EncoderInput;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.ForwardOptions;
import fourm.core.model.ForwardOutput;
import fourm.core.model.MlpKind;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Grids that are not square, through the whole model: a 32x64 image of 16-pixel patches is a 2x4 grid of token ids
 * (input and target) or of pixel patches (input). Positions, patchify, forward, backward and parallel generation.
 */
class NonSquareGridTest {
    private static final int D = 16;
    private static final int V = 12;
    private static final String IDS = "thermal";
    private static final String PIXELS = "pixels";

    private static ModalitySpec ids() {
        return ModalitySpec.builder(IDS, ModalityKind.IMAGE_TOKENS).optVocabSize(V).optImageSize(32, 64)
                .optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(true)
                .optGeneration(new DecoderStrategy(GenerationScheme.ROAR, 4, 1.0, "constant", 1.0, 1.0))
                .setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }

    private static ModalitySpec pixels() {
        return ModalitySpec.builder(PIXELS, ModalityKind.PIXEL_PATCHES).optImageSize(32, 64).optPatchSize(16)
                .optValueDim(3).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(false)
                .setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }

    private static FourMConfig config() {
        return FourMConfig.builder().dim(D).encoderDepth(1).decoderDepth(1).numHeads(2).mlp(MlpKind.SWIGLU)
                .qkvBias(false).projBias(false).mlpBias(false).normBias(false)
                .modality(pixels(), true, false).modality(ids(), true, true).build();
    }

    private static float[] image(int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[batch * 3 * 32 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    /** Pixels in full; ids with cells 0, 5 as inputs and 1, 2, 6, 7 as targets. */
    private static MaskedBatch batch() {
        int b = 2;
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put(PIXELS, GenerationInputs.fullValues(config().modality(PIXELS), image(b, 3), new int[] {b, 3, 32, 64}));
        long[] grid = new long[b * 8];
        boolean[] in = new boolean[b * 8];
        boolean[] tg = new boolean[b * 8];
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < grid.length; i++) {
            grid[i] = rng.nextInt(V);
            int p = i % 8;
            in[i] = p != 0 && p != 5;
            tg[i] = !(p == 1 || p == 2 || p == 6 || p == 7);
        }
        mods.put(IDS, ModalityTensors.ofIds(IDS, b, 8, grid, in, tg, new int[b * 8]));
        return new MaskedBatch(mods);
    }

    @Test
    void theLayoutIsTwoByFourWithTheReferencesTable() {
        ModalitySpec s = ids();
        assertThat(s.layout().gridShape()).containsExactly(2, 4);
        assertThat(s.layout().length()).isEqualTo(8);
        assertThat(pixels().layout().valueShape()).containsExactly(3, 32, 64);
        try (FourMModel model = FourMModel.create(config(), 1)) {
            float[] table = SinCosTables.table2d(2, 4, D);
            for (String k : new String[] {"encoder_embeddings.thermal.pos_emb", "decoder_embeddings.thermal.pos_emb",
                "encoder_embeddings.pixels.pos_emb"}) {
                NDArray pos = model.parameters().get(k);
                assertThat(pos.getShape().getShape()).as(k).containsExactly(1, 8, D);
                assertThat(pos.toFloatArray()).as(k).containsExactly(table);
            }
            assertThat(model.parameters().get("encoder_embeddings.pixels.proj.weight").getShape().getShape())
                    .containsExactly(D, 16 * 16 * 3);
        }
    }

    @Test
    void pixelPatchesAreCutFromTheirCellOfTheWideImage() {
        MaskedBatch batch = batch();
        float[] img = batch.modalities().get(PIXELS).values();
        try (FourMModel model = FourMModel.create(config(), 2); NDManager m = model.newStepManager()) {
            EncoderInput in = model.embedEncoder(m, batch, 8);
            float[] tokens = in.tokens().toFloatArray();
            float[] w = model.parameters().get("encoder_embeddings.pixels.proj.weight").toFloatArray();
            int width = 16 * 16 * 3;
            for (int b = 0; b < 2; b++) {
                for (int cell = 0; cell < 8; cell++) {
                    int gy = cell / 4;
                    int gx = cell % 4;
                    float[] patch = new float[width];
                    int o = 0;
                    for (int ph = 0; ph < 16; ph++) {
                        for (int pw = 0; pw < 16; pw++) {
                            for (int c = 0; c < 3; c++) {
                                patch[o++] = img[((b * 3 + c) * 32 + gy * 16 + ph) * 64 + gx * 16 + pw];
                            }
                        }
                    }
                    for (int d = 0; d < D; d++) {
                        double want = 0;
                        for (int k = 0; k < width; k++) {
                            want += (double) w[d * width + k] * patch[k];
                        }
                        assertThat((double) tokens[(b * 8 + cell) * D + d]).as("sample %d cell %d dim %d", b, cell, d)
                                .isCloseTo(want, within(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void forwardAndBackwardAreFinite() {
        try (FourMModel model = FourMModel.create(config(), 3)) {
            Map<String, NDArray> trainable = model.parameters().trainable();
            trainable.values().forEach(p -> p.setRequiresGradient(true));
            try (NDManager m = model.newStepManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ForwardOutput out = model.forward(m, batch(), ForwardOptions.defaults());
                assertThat(out.lossTargets().get(IDS).getShape().getShape()).containsExactly(8);
                float loss = out.lossMod().getFloat();
                assertThat(Float.isFinite(loss)).isTrue();
                assertThat((double) loss).isCloseTo(Math.log(V), within(1.0));
                gc.backward(out.lossMod());
            }
            for (String k : new String[] {"encoder_embeddings.pixels.proj.weight", "encoder_embeddings.thermal.token_emb.weight",
                "decoder_embeddings.thermal.to_logits.weight", "mask_token"}) {
                float[] g = trainable.get(k).getGradient().toFloatArray();
                double max = 0;
                for (float x : g) {
                    assertThat(Float.isFinite(x)).as(k).isTrue();
                    max = Math.max(max, Math.abs(x));
                }
                assertThat(max).as("gradient of %s", k).isPositive();
            }
        }
    }

    @Test
    void roarAndMaskGitFillTheWholeGrid() {
        try (FourMModel model = FourMModel.create(config(), 4)) {
            for (Step step : new Step[] {Step.roar(3), Step.maskgit(4), Step.roar(1).temperature(0)}) {
                Map<String, ModalityTensors> mods = new LinkedHashMap<>();
                mods.put(PIXELS, GenerationInputs.fullValues(model.config().modality(PIXELS), image(2, 5),
                        new int[] {2, 3, 32, 64}));
                mods.put(IDS, GenerationInputs.emptyTarget(model.config().modality(IDS), 2, 0,
                        SpecialTokens.REFERENCE));
                GenerationPlan plan = GenerationPlan.builder().condition(PIXELS).target(IDS, step).build();
                MaskedBatch out = GenerationSampler.builder(model).build().generate(new MaskedBatch(mods), plan, 9);
                ModalityTensors t = out.modalities().get(IDS);
                assertThat(t.length()).isEqualTo(8);
                for (int i = 0; i < t.ids().length; i++) {
                    assertThat(t.ids()[i]).as("%s, id %d", step.scheme(), i).isBetween(0L, (long) V - 1);
                    assertThat(t.inputMask()[i]).as("%s, cell %d decoded", step.scheme(), i).isFalse();
                }
                GenerationPlan again = GenerationPlan.builder().condition(PIXELS).target(IDS, step).build();
                MaskedBatch twice = GenerationSampler.builder(model).build().generate(new MaskedBatch(mods), again, 9);
                assertThat(twice.modalities().get(IDS).ids()).as("same seed, same grid").isEqualTo(t.ids());
                assertThat(Arrays.stream(t.ids()).distinct().count()).isGreaterThan(1);
            }
        }
    }
}
