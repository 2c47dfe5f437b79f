package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.core.batch.MaskedBatch;
import fourm.core.io.CheckpointException;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.io.SafetensorsDType;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import fourm.core.model.testing.TestModalities;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints: bit-for-bit round trips, strict loading, the reference's config layouts. */
class CheckpointsTest {
    @TempDir
    Path dir;

    private static Path golden(String variant) {
        return SharedFiles.require("reference/golden/" + variant + "/model.safetensors");
    }

    @Test
    void configComesFromMetadataWithVocabulariesFromShapes() throws IOException {
        FourMConfig c = Checkpoints.readConfig(golden("swiglu_nobias"), TestModalities.reference());
        assertThat(c.dim()).isEqualTo(64);
        assertThat(c.encoderDepth()).isEqualTo(2);
        assertThat(c.numHeads()).isEqualTo(2);
        assertThat(c.mlp()).isEqualTo(MlpKind.SWIGLU);
        assertThat(c.mlpHidden()).isEqualTo(170);
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.normBias()).isFalse();
        assertThat(c.domainsIn()).containsExactly("caption", "tok_depth@224", "tok_rgb@224");
        assertThat(c.vocabSize("tok_rgb@224")).isEqualTo(256);
        assertThat(c.vocabSize("tok_depth@224")).isEqualTo(128);
        assertThat(c.vocabSize("caption")).isEqualTo(128);
        assertThat(c.modality("caption").layout().maxLength()).isEqualTo(256);
        assertThat(c.modality("caption").layout().positionRows()).isEqualTo(512);
        FourMConfig g = Checkpoints.readConfig(golden("gelu"), TestModalities.reference());
        assertThat(g.mlp()).isEqualTo(MlpKind.GELU);
        assertThat(g.mlpHidden()).isEqualTo(256);
        assertThat(g.qkvBias()).isTrue();
    }

    @Test
    void aSavedCheckpointLoadsBackBitForBit() throws IOException {
        Path src = golden("gelu");
        Path first = dir.resolve("first.safetensors");
        Path second = dir.resolve("second.safetensors");
        try (FourMModel m = Checkpoints.load(src, TestModalities.reference())) {
            assertThat(m.parameters().parameterCount()).isEqualTo(336_704);
            Checkpoints.save(m, first, Map.of("variant", "gelu"));
        }
        try (SafetensorsReader a = SafetensorsReader.open(src); SafetensorsReader b = SafetensorsReader.open(first)) {
            assertThat(b.keys()).containsExactlyInAnyOrderElementsOf(a.keys());
            for (String k : a.keys()) {
                assertThat(b.bytes(k)).as(k).isEqualTo(a.bytes(k));
            }
            assertThat(b.metadata().get("config")).isEqualTo(a.metadata().get("config"));
            assertThat(b.metadata()).containsEntry("variant", "gelu").containsKey(ReferenceConfig.MODALITIES_KEY);
        }
        try (FourMModel m = Checkpoints.load(first)) {
            Checkpoints.save(m, second, Map.of("variant", "gelu"));
        }
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
    }

    @Test
    void aNewModelRoundTripsAndReloadsItsOwnModalityTable() throws IOException {
        FourMConfig c = FourMModelTest.smallConfig(MlpKind.SWIGLU, true);
        Path p = dir.resolve("new.safetensors");
        try (FourMModel m = FourMModel.create(c, 5)) {
            Checkpoints.save(m, p, Map.of());
        }
        try (FourMModel back = Checkpoints.load(p, key -> java.util.Optional.empty())) {
            assertThat(back.config()).isEqualTo(c);
            try (SafetensorsReader r = SafetensorsReader.open(p); FourMModel again = FourMModel.create(c, 5)) {
                for (String k : back.parameters().stateDictKeys()) {
                    assertThat(back.parameters().get(k).toFloatArray()).as(k).containsExactly(r.floats(k));
                    assertThat(again.parameters().get(k).toFloatArray()).as(k).containsExactly(r.floats(k));
                }
            }
        }
    }

    @Test
    void aTorchCheckpointOfTheStateDictLoadsIntoAnExplicitConfig() throws IOException {
        FourMConfig c = FourMModelTest.smallConfig(MlpKind.SWIGLU, true);
        Path p = dir.resolve("new.safetensors");
        Path pth = dir.resolve("new.pth");
        try (FourMModel m = FourMModel.create(c, 5)) {
            Checkpoints.save(m, p, Map.of());
        }
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            fourm.core.io.testing.TorchZipBuilder.copyAsTorchCheckpoint(r, pth);
        }
        try (FourMModel back = Checkpoints.load(pth, c); SafetensorsReader r = SafetensorsReader.open(p)) {
            assertThat(back.parameters().stateDictKeys()).isNotEmpty();
            for (String k : back.parameters().stateDictKeys()) {
                assertThat(back.parameters().get(k).toFloatArray()).as(k).containsExactly(r.floats(k));
            }
        }
    }

    /** Copies the golden model with per-key changes: the function returns null to drop a key. */
    private Path rewrite(Path src, String name, Map<String, String> metadata,
                         BiFunction<SafetensorsReader, TensorInfo, Object[]> change, Object[]... extra)
            throws IOException {
        Path out = dir.resolve(name);
        SafetensorsWriter w = new SafetensorsWriter().putMetadata(metadata);
        try (SafetensorsReader r = SafetensorsReader.open(src)) {
            for (TensorInfo t : r.tensors().values()) {
                Object[] e = change.apply(r, t);
                if (e != null) {
                    w.add((String) e[0], (SafetensorsDType) e[1], (long[]) e[2], (ByteBuffer) e[3]);
                }
            }
            for (Object[] e : extra) {
                w.add((String) e[0], (SafetensorsDType) e[1], (long[]) e[2], (ByteBuffer) e[3]);
            }
            w.write(out);
        }
        return out;
    }

    private static Object[] same(SafetensorsReader r, TensorInfo t) {
        try {
            return new Object[] {t.name(), t.dtype(), t.shape(), r.bytes(t.name())};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> metadataOf(Path p) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            return r.metadata();
        }
    }

    @Test
    void strictLoadingListsEveryProblemAtOnce() throws IOException {
        Path src = golden("swiglu_nobias");
        Path broken = rewrite(src, "broken.safetensors", metadataOf(src), (r, t) -> switch (t.name()) {
            case "encoder.0.attn.proj.weight" -> null;
            case "decoder_norm.weight" -> null;
            case "encoder.1.attn.qkv.weight" ->
                    new Object[] {t.name(), SafetensorsDType.F32, new long[] {64, 192}, same(r, t)[3]};
            case "mask_token" -> new Object[] {t.name(), SafetensorsDType.I32, t.shape(), same(r, t)[3]};
            default -> same(r, t);
        }, new Object[] {"encoder.9.attn.qkv.weight", SafetensorsDType.F32, new long[] {1},
                ByteBuffer.allocate(4)});
        assertThatThrownBy(() -> Checkpoints.load(broken, TestModalities.reference())).isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.problems()).containsExactlyInAnyOrder(
                    "missing: encoder.0.attn.proj.weight [64, 64]",
                    "missing: decoder_norm.weight [64]",
                    "unexpected: encoder.9.attn.qkv.weight [1]",
                    "shape mismatch: encoder.1.attn.qkv.weight: file [64, 192], model [192, 64]",
                    "wrong dtype: mask_token: dtype I32, expected F32 (or F16/BF16)");
            assertThat(e.getMessage()).contains("broken.safetensors", "5 problems");
        });
    }

    @Test
    void tiedTensorsThatDifferAreRejected() throws IOException {
        Path src = golden("swiglu_nobias");
        Path p = rewrite(src, "tied.safetensors", metadataOf(src), (r, t) ->
                t.name().equals("decoder_embeddings.caption.mod_emb")
                        ? new Object[] {t.name(), t.dtype(), t.shape(), ByteBuffer.allocate(256)} : same(r, t));
        assertThatThrownBy(() -> Checkpoints.load(p, TestModalities.reference())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tied tensors differ: decoder_embeddings.caption.mod_emb");
    }

    @Test
    void missingConfigAndUnknownModalitiesAreClearErrors() throws IOException {
        Path src = golden("swiglu_nobias");
        Path bare = rewrite(src, "bare.safetensors", Map.of(), CheckpointsTest::same);
        assertThatThrownBy(() -> Checkpoints.load(bare)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no model config");
        assertThatThrownBy(() -> Checkpoints.load(src, key -> java.util.Optional.empty()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("unknown modalities")
                .hasMessageContaining("tok_rgb@224");
        assertThatThrownBy(() -> Checkpoints.load(src)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unknown modalities").hasMessageContaining("add their plugins");
    }

    @Test
    void releasedLayoutWithOneYamlValuePerKeyLoadsAndRunsLikeTheJsonLayout() throws IOException {
        Path src = golden("swiglu_nobias");
        Map<String, String> md = new LinkedHashMap<>();
        md.put("domains_in", "['caption', 'tok_depth@224', 'tok_rgb@224']");
        md.put("domains_out", "[caption, tok_depth@224, tok_rgb@224]");
        md.put("image_size", "224");
        md.put("patch_size", "16");
        md.put("dim", "64");
        md.put("encoder_depth", "2");
        md.put("decoder_depth", "2");
        md.put("num_heads", "2");
        md.put("mlp_ratio", "4.0");
        md.put("qkv_bias", "False");
        md.put("proj_bias", "False");
        md.put("mlp_bias", "False");
        md.put("norm_bias", "False");
        md.put("act_layer", "SiLU");
        md.put("gated_mlp", "True");
        md.put("qk_norm", "False");
        md.put("num_register_tokens", "0");
        md.put("decoder_sep_mask", "True");
        md.put("tokenizer_path", "None");
        Path released = rewrite(src, "released.safetensors", md, CheckpointsTest::same);
        FourMConfig fromJson = Checkpoints.readConfig(src, TestModalities.reference());
        assertThat(Checkpoints.readConfig(released, TestModalities.reference())).isEqualTo(fromJson);
        MaskedBatch batch = MaskedBatchFiles.read(SharedFiles.require("reference/golden/inputs.safetensors"));
        ForwardOptions o = ForwardOptions.defaults().withNumEncoderTokens(48).withNumDecoderTokens(48)
                .withDecoderOrder(List.of("tok_depth@224", "caption", "tok_rgb@224"));
        try (FourMModel a = Checkpoints.load(src, TestModalities.reference());
             FourMModel b = Checkpoints.load(released, TestModalities.reference());
             NDManager m = a.newStepManager()) {
            float[] la = a.forward(m, batch, o).lossMod().toFloatArray();
            float[] lb = b.forward(m, batch, o).lossMod().toFloatArray();
            assertThat(lb).containsExactly(la);
        }
    }

    @Test
    void explicitConfigMustMatchTheShapes() throws IOException {
        Path src = golden("swiglu_nobias");
        FourMConfig c = Checkpoints.readConfig(src, TestModalities.reference());
        FourMConfig wrong = c.toBuilder().putModality(c.modality("tok_rgb@224").withVocabSize(300)).build();
        assertThatThrownBy(() -> Checkpoints.load(src, wrong)).isInstanceOfSatisfying(CheckpointException.class,
                e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "shape mismatch: encoder_embeddings.tok_rgb@224.token_emb.weight: file [256, 64], model "
                                + "[300, 64]",
                        "shape mismatch: decoder_embeddings.tok_rgb@224.token_emb.weight: file [256, 64], model "
                                + "[300, 64]",
                        "shape mismatch: decoder_embeddings.tok_rgb@224.to_logits.weight: file [256, 64], model "
                                + "[300, 64]"));
        try (FourMModel m = Checkpoints.load(src, c)) {
            assertThat(m.config()).isEqualTo(c);
        }
    }

    @Test
    void halfPrecisionCheckpointsAreWidenedOnLoad() throws IOException {
        Path src = golden("swiglu_nobias");
        Path bf16 = rewrite(src, "bf16.safetensors", metadataOf(src), (r, t) -> {
            try {
                float[] v = r.floats(t.name());
                ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    b.putShort((short) (Float.floatToRawIntBits(x) >>> 16));
                }
                return new Object[] {t.name(), SafetensorsDType.BF16, t.shape(), b.flip()};
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (FourMModel m = Checkpoints.load(bf16, TestModalities.reference()); SafetensorsReader r = SafetensorsReader.open(src)) {
            float[] w = m.parameters().get("encoder.0.attn.qkv.weight").toFloatArray();
            float[] g = r.floats("encoder.0.attn.qkv.weight");
            for (int i = 0; i < w.length; i++) {
                assertThat(w[i]).isEqualTo(Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & 0xffff0000));
            }
        }
    }

    @Test
    void corruptFilesAndMetadataAreCleanErrors() throws IOException {
        Path src = golden("gelu");
        byte[] all = Files.readAllBytes(src);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> Checkpoints.load(cut)).isInstanceOf(fourm.core.io.SafetensorsFormatException.class)
                .hasMessageContaining("cut.safetensors").hasMessageContaining("truncated");
        Map<String, String> md = new LinkedHashMap<>(metadataOf(src));
        md.put(ReferenceConfig.MODALITIES_KEY, "[{\"key\": \"caption\"}]");
        Path table = rewrite(src, "table.safetensors", md, CheckpointsTest::same);
        assertThatThrownBy(() -> Checkpoints.load(table)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("table.safetensors").hasMessageContaining("fourm_modalities");
        md.put(ReferenceConfig.MODALITIES_KEY, "[]");
        md.put(ReferenceConfig.CONFIG_KEY, "{\"domains_in\": [\"caption\"], \"dim\": 64");
        Path json = rewrite(src, "json.safetensors", md, CheckpointsTest::same);
        assertThatThrownBy(() -> Checkpoints.load(json)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("json.safetensors").hasMessageContaining("not valid JSON");
    }
    @Test
    void aSequenceTableOfAnotherRowCountIsTakenFromTheShapes() throws IOException {
        Path src = golden("swiglu_nobias");
        Path shorter = rewrite(src, "shorter.safetensors", metadataOf(src), (r, t) -> {
            if (!t.name().endsWith("caption.pos_emb")) {
                return same(r, t);
            }
            ByteBuffer b = (ByteBuffer) same(r, t)[3];
            return new Object[] {t.name(), t.dtype(), new long[] {1, 300, 64}, b.limit(300 * 64 * 4).slice()};
        });
        FourMConfig c = Checkpoints.readConfig(shorter, TestModalities.reference());
        assertThat(c.modality("caption").layout().positionRows()).isEqualTo(300);
        assertThat(c.modality("caption").layout().maxLength()).isEqualTo(256);
        MaskedBatch batch = MaskedBatchFiles.read(SharedFiles.require("reference/golden/inputs.safetensors"));
        ForwardOptions o = ForwardOptions.defaults().withNumEncoderTokens(48).withNumDecoderTokens(48)
                .withDecoderOrder(List.of("tok_depth@224", "caption", "tok_rgb@224"));
        Path saved = dir.resolve("saved.safetensors");
        try (FourMModel a = Checkpoints.load(src, TestModalities.reference());
             FourMModel b = Checkpoints.load(shorter, TestModalities.reference());
             NDManager m = a.newStepManager()) {
            assertThat(b.parameters().get("decoder_embeddings.caption.pos_emb").getShape().getShape())
                    .containsExactly(1, 300, 64);
            assertThat(b.forward(m, batch, o).lossMod().toFloatArray())
                    .containsExactly(a.forward(m, batch, o).lossMod().toFloatArray());
            Checkpoints.save(b, saved, Map.of());
        }
        try (FourMModel back = Checkpoints.load(saved)) {
            assertThat(back.config()).isEqualTo(c);
        }
        try (FourMModel fresh = FourMModel.create(c, 3)) {
            assertThat(fresh.parameters().get("encoder_embeddings.caption.pos_emb").toFloatArray())
                    .containsExactly(java.util.Arrays.copyOf(fourm.api.layout.SinCosTables.table1d(512, 64), 300 * 64));
        }
    }

    @Test
    void theEarlierModalityTableStillLoads() throws IOException {
        Path src = golden("swiglu_nobias");
        Map<String, String> md = new LinkedHashMap<>(metadataOf(src));
        md.put(ReferenceConfig.MODALITIES_KEY, "[{\"key\":\"tok_rgb@224\",\"kind\":\"image-tokens\",\"vocab_size\":256,"
                + "\"num_tokens\":196,\"max_length\":196,\"pos_rows\":196,\"patch_size\":0,\"value_dim\":0,"
                + "\"positional\":\"sincos-2d\"},{\"key\":\"tok_depth@224\",\"kind\":\"image-tokens\",\"vocab_size\":128,"
                + "\"num_tokens\":196,\"max_length\":196,\"pos_rows\":196,\"patch_size\":0,\"value_dim\":0,"
                + "\"positional\":\"sincos-2d\"},{\"key\":\"caption\",\"kind\":\"token-sequence\",\"vocab_size\":128,"
                + "\"num_tokens\":256,\"max_length\":256,\"pos_rows\":512,\"patch_size\":0,\"value_dim\":0,"
                + "\"positional\":\"sincos-1d\"}]");
        Path earlier = rewrite(src, "earlier.safetensors", md, CheckpointsTest::same);
        FourMConfig viaCatalog = Checkpoints.readConfig(src, TestModalities.reference());
        try (FourMModel m = Checkpoints.load(earlier)) {
            for (String k : List.of("tok_rgb@224", "tok_depth@224", "caption")) {
                assertThat(m.config().modality(k).layout()).as(k).isEqualTo(viaCatalog.modality(k).layout());
                assertThat(m.config().vocabSize(k)).as(k).isEqualTo(viaCatalog.vocabSize(k));
            }
        }
    }
    /** A plugin's own layout: the kit's grid under another name. */
    record PluginGrid(TokenLayout base) implements TokenLayout {
        @Override public String name() {
            return "plugin-grid";
        }

        @Override public boolean discrete() {
            return base.discrete();
        }

        @Override public boolean sequence() {
            return base.sequence();
        }

        @Override public int maxTokens() {
            return base.maxTokens();
        }

        @Override public int length() {
            return base.length();
        }

        @Override public int maxLength() {
            return base.maxLength();
        }

        @Override public int[] gridShape() {
            return base.gridShape();
        }

        @Override public int[] valueShape() {
            return base.valueShape();
        }

        @Override public int tokenWidth() {
            return base.tokenWidth();
        }

        @Override public void tokenVector(float[] values, int position, float[] out, int offset) {
            base.tokenVector(values, position, out, offset);
        }

        @Override public String inputWeight() {
            return base.inputWeight();
        }

        @Override public java.util.Optional<String> inputBias() {
            return base.inputBias();
        }

        @Override public boolean zeroIdIsPadding() {
            return base.zeroIdIsPadding();
        }

        @Override public int positionRows() {
            return base.positionRows();
        }

        @Override public boolean learnedPositions() {
            return base.learnedPositions();
        }

        @Override public float[] fixedPositions(int dim) {
            return base.fixedPositions(dim);
        }
    }

    @Test
    void aPluginsOwnLayoutIsTakenFromThePluginOrTheLoadIsRefused() throws IOException {
        ModalitySpec settings = TestModalities.imageTokens("thermal", 10, 2, 4);
        ModalitySpec plugin = settings.withLayout(new PluginGrid(settings.layout()));
        FourMConfig c = FourMConfig.builder().dim(8).encoderDepth(1).decoderDepth(1).numHeads(2)
                .modality(plugin, true, true).build();
        Path p = dir.resolve("plugin.safetensors");
        try (FourMModel m = FourMModel.create(c, 1)) {
            Checkpoints.save(m, p, Map.of());
        }
        ModalityCatalog resized = ModalityCatalog.of(List.of(plugin.withVocabSize(99)));
        try (FourMModel back = Checkpoints.load(p, resized)) {
            assertThat(back.config()).isEqualTo(c);
            assertThat(back.config().modality("thermal").layout().name()).isEqualTo("plugin-grid");
        }
        assertThatThrownBy(() -> Checkpoints.load(p)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("thermal").hasMessageContaining("'plugin-grid'")
                .hasMessageContaining("add the plugin");
        ModalityCatalog otherSettings = ModalityCatalog.of(List.of(
                TestModalities.imageTokens("thermal", 10, 4, 2).withLayout(new PluginGrid(
                        TestModalities.imageTokens("thermal", 10, 4, 2).layout()))));
        assertThatThrownBy(() -> Checkpoints.load(p, otherSettings)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'plugin-grid'");
    }
    @Test
    void damagedMetadataIsRefusedEvenWithAnExplicitConfig() throws IOException {
        FourMConfig c = FourMModelTest.smallConfig(MlpKind.SWIGLU, false);
        Path p = dir.resolve("small.safetensors");
        try (FourMModel m = FourMModel.create(c, 2)) {
            Checkpoints.save(m, p, Map.of("fourm.train_config", "{\"steps\": [1, 2]}"));
        }
        for (String key : List.of(ReferenceConfig.CONFIG_KEY, ReferenceConfig.MODALITIES_KEY, "fourm.train_config")) {
            Map<String, String> md = new LinkedHashMap<>(metadataOf(p));
            String v = md.get(key);
            int at = v.indexOf(',');
            md.put(key, v.substring(0, at) + "#" + v.substring(at + 1));
            Path bad = rewrite(p, "damaged.safetensors", md, CheckpointsTest::same);
            assertThatThrownBy(() -> Checkpoints.load(bad, c)).as(key).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("damaged.safetensors").hasMessageContaining("metadata '" + key + "' is damaged");
        }
    }

    @Test
    void aNonFiniteValueInOneCopyOfATiedTensorIsReportedAsNonFinite() throws IOException {
        FourMConfig c = FourMModelTest.smallConfig(MlpKind.SWIGLU, false);
        Path p = dir.resolve("tied.safetensors");
        try (FourMModel m = FourMModel.create(c, 2)) {
            Checkpoints.save(m, p, Map.of());
        }
        Path bad = rewrite(p, "nan.safetensors", metadataOf(p), (r, t) -> {
            Object[] e = same(r, t);
            if (t.name().equals("decoder_embeddings.cap.mod_emb")) {
                ByteBuffer b = ByteBuffer.allocate(((ByteBuffer) e[3]).remaining()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.put((ByteBuffer) e[3]).flip();
                b.putFloat(4, Float.NaN);
                e[3] = b;
            }
            return e;
        });
        assertThatThrownBy(() -> Checkpoints.load(bad, c)).isInstanceOf(NonFiniteCheckpointException.class)
                .hasMessageContaining("decoder_embeddings.cap.mod_emb");
    }
}
