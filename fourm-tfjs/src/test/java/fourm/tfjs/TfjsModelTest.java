package fourm.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfjsModelTest {
    private static final float[] X = {1f, 2f, -1f, 0.5f, 0.25f, -2f, 3f, 1f};

    @TempDir
    Path dir;

    @Test
    void runsFusedOpsPreluQuantizedWeightsAndWidenedInt64() throws IOException {
        try (TfjsModel model = TfjsModel.load(new TinyModel().write(dir))) {
            assertThat(model.op("conv")).as("the fused conv's last node keeps its name").contains("Relu");
            assertThat(model.op("dw")).contains("Relu6");
            assertThat(model.op("pr")).as("prelu rewritten").contains("AddV2");
            Map<String, HostTensor> out = model.run(Map.of(
                    "x", HostTensor.of(X, 1, 2, 2, 2),
                    "y:0", HostTensor.of(new float[] {-1f, 2f, -3f}, 1, 3)), List.of("out", "pr:0", "conv"));
            assertThat(out.get("out").shape()).containsExactly(1, 12);
            assertThat(out.get("out").values()).containsExactly(TinyModel.expectedOut(X), within(1e-6f));
            assertThat(out.get("pr:0").values())
                    .containsExactly(TinyModel.expectedPrelu(new float[] {-1f, 2f, -3f}), within(1e-6f));
            assertThat(out.get("conv").shape()).as("intermediate nodes can be fetched").containsExactly(1, 2, 2, 3);
        }
    }

    @Test
    void float64ConstantsAreWidenedAndUint8InputsAreFed() throws IOException {
        TinyModel m = new TinyModel();
        var nodes = m.json.getAsJsonObject("modelTopology").getAsJsonArray("node");
        JsonObject u = TinyModel.node("u", "Placeholder");
        u.remove("input");
        u.getAsJsonObject("attr").remove("T");
        u.getAsJsonObject("attr").add("dtype", TinyModel.type("DT_UINT8"));
        nodes.add(u);
        nodes.add(TinyModel.constant("d", "DT_DOUBLE", 3));
        for (String[] cast : new String[][] {{"uf", "u", "DT_UINT8"}, {"df", "d", "DT_DOUBLE"}}) {
            JsonObject c = TinyModel.node(cast[0], "Cast", cast[1]);
            c.getAsJsonObject("attr").remove("T");
            c.getAsJsonObject("attr").add("SrcT", TinyModel.type(cast[2]));
            c.getAsJsonObject("attr").add("DstT", TinyModel.type("DT_FLOAT"));
            nodes.add(c);
        }
        nodes.add(TinyModel.node("sum", "AddV2", "uf", "df"));
        JsonObject w = new JsonObject();
        w.addProperty("name", "d");
        com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
        shape.add(3);
        w.add("shape", shape);
        w.addProperty("dtype", "float32");
        m.json.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("weights").add(w);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putFloat(0.5f).putFloat(-1f).putFloat(2.25f);
        m.bin.writeBytes(b.array());
        try (TfjsModel model = TfjsModel.load(m.write(dir))) {
            HostTensor sum = model.run(Map.of("u", HostTensor.of(new float[] {3f, 300f, -4f}, 3)), List.of("sum"))
                    .get("sum");
            assertThat(sum.values()).as("uint8 inputs are rounded and clamped to 0..255")
                    .containsExactly(3.5f, 254f, 2.25f);
        }
    }

    @Test
    void truncatedWeightFileNamesTheFileAndTheWeightThatDoesNotFit() throws IOException {
        Path json = new TinyModel().write(dir, 12 + 3 + 4);
        assertThatThrownBy(() -> TfjsModel.load(json))
                .isInstanceOfSatisfying(TfjsModelException.class, e -> {
                    assertThat(e.file()).isEqualTo(dir.resolve("tiny.bin"));
                    assertThat(e.node()).contains("w2");
                })
                .hasMessageContaining("tiny.bin").hasMessageContaining("'w2'").hasMessageContaining("truncated");
    }

    @Test
    void weightFileWithTrailingBytesIsRefused() throws IOException {
        TinyModel m = new TinyModel();
        m.bin.write(new byte[] {1, 2, 3, 4});
        Path json = m.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(json)).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("tiny.bin").hasMessageContaining("does not belong");
    }

    @Test
    void weightStoredWithTheWrongDtypeNamesTheNode() throws IOException {
        TinyModel m = new TinyModel();
        m.weightNamed("alpha").addProperty("dtype", "int32");
        Path bad = m.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(bad)).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("tiny.bin").hasMessageContaining("'alpha'")
                .hasMessageContaining("stored as int32").hasMessageContaining("DT_FLOAT");
    }

    @Test
    void unsupportedManifestDtypeNamesTheWeight() throws IOException {
        TinyModel m = new TinyModel();
        m.weightNamed("b2").addProperty("dtype", "complex64");
        Path bad = m.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(bad)).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("tiny.json").hasMessageContaining("'b2'").hasMessageContaining("complex64");
    }

    @Test
    void unknownOpNamesTheFileTheNodeAndTheOp() throws IOException {
        TinyModel m = new TinyModel();
        m.nodeNamed("out").addProperty("op", "NoSuchOp");
        Path bad = m.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(bad))
                .isInstanceOfSatisfying(TfjsModelException.class, e -> assertThat(e.node()).contains("out"))
                .hasMessageContaining("tiny.json").hasMessageContaining("'out'").hasMessageContaining("NoSuchOp");
    }

    @Test
    void unsupportedFusedActivationNamesTheNode() throws IOException {
        TinyModel m = new TinyModel();
        m.nodeNamed("conv").getAsJsonObject("attr").add("fused_ops", TinyModel.strings("BiasAdd", "Gelu"));
        Path bad = m.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(bad)).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("'conv'").hasMessageContaining("Gelu");
    }

    @Test
    void missingRequiredAttributeIsReportedBeforeImport() throws IOException {
        TinyModel m = new TinyModel();
        m.nodeNamed("out").getAsJsonObject("attr").remove("T");
        Path bad = m.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(bad)).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("'out'").hasMessageContaining("Reshape needs the attribute 'T'");
    }

    @Test
    void wrongInputCountAndDanglingInputsAreReported() throws IOException {
        TinyModel m = new TinyModel();
        m.nodeNamed("out").getAsJsonArray("input").add("dw");
        Path bad = m.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(bad)).hasMessageContaining("'out'")
                .hasMessageContaining("takes 2 data input(s)");
        TinyModel m2 = new TinyModel();
        m2.nodeNamed("out").getAsJsonArray("input").set(0, new com.google.gson.JsonPrimitive("nowhere"));
        Path bad2 = m2.write(dir);
        assertThatThrownBy(() -> TfjsModel.load(bad2)).hasMessageContaining("'out'")
                .hasMessageContaining("input 'nowhere' names no node");
    }

    /**
     * A Const declared int64 whose value is int32 (what a naive loader makes of TF.js's int64 constants) passes
     * TensorFlow's import and then aborts the JVM in a fatal check when it runs ({@link TensorFlowAbortTest} shows
     * it). The validator refuses it first, and TensorFlow keeps working afterwards.
     */
    @Test
    void constWhoseValueDtypeDiffersFromItsDeclaredDtypeIsRefusedAndTheJvmSurvives() throws IOException {
        TinyModel m = new TinyModel();
        JsonObject shape = m.nodeNamed("shape");
        JsonObject tensor = shape.getAsJsonObject("attr").getAsJsonObject("value").getAsJsonObject("tensor");
        tensor.addProperty("dtype", "DT_INT32");
        com.google.gson.JsonArray vals = new com.google.gson.JsonArray();
        vals.add(1);
        vals.add(12);
        tensor.add("intVal", vals);
        // The int64 weight is the last 8 bytes of the weight file: drop it from the manifest and the file.
        m.json.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("weights")
                .remove(m.weightNamed("shape"));
        Path bad = m.write(dir, m.bin.size() - 8);
        assertThatThrownBy(() -> TfjsModel.load(bad)).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("'shape'").hasMessageContaining("declared DT_INT64 but its value is DT_INT32");
        Path good = new TinyModel().write(Files.createDirectories(dir.resolve("good")));
        try (TfjsModel model = TfjsModel.load(good)) {
            assertThat(model.run(Map.of("x", HostTensor.of(X, 1, 2, 2, 2)), List.of("out")).get("out").values())
                    .containsExactly(TinyModel.expectedOut(X), within(1e-6f));
        }
    }

    @Test
    void feedsAndFetchesAreChecked() throws IOException {
        try (TfjsModel model = TfjsModel.load(new TinyModel().write(dir))) {
            assertThatThrownBy(() -> model.run(Map.of("x", HostTensor.of(new float[4], 1, 2, 2, 1)), List.of("out")))
                    .isInstanceOf(TfjsModelException.class).hasMessageContaining("'x'")
                    .hasMessageContaining("[1, 2, 2, 2]").hasMessageContaining("[1, 2, 2, 1]");
            assertThatThrownBy(() -> model.run(Map.of("x", HostTensor.of(X, 1, 2, 2, 2)), List.of("nope:0")))
                    .isInstanceOf(TfjsModelException.class).hasMessageContaining("'nope'");
            assertThatThrownBy(() -> model.run(Map.of(), List.of("out")))
                    .as("a missing feed is TensorFlow's error, reported as a model error")
                    .isInstanceOf(TfjsModelException.class).hasMessageContaining("tiny.json");
        }
    }

    @Test
    void closedModelRefusesToRun() throws IOException {
        TfjsModel model = TfjsModel.load(new TinyModel().write(dir));
        model.close();
        model.close();
        assertThatThrownBy(() -> model.run(Map.of("x", HostTensor.of(X, 1, 2, 2, 2)), List.of("out")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void missingOrForeignFilesAreNamed() throws IOException {
        assertThatThrownBy(() -> TfjsModel.load(dir.resolve("absent.json")))
                .hasMessageContaining("absent.json").hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("layers.json"), "{\"format\":\"layers-model\"}");
        assertThatThrownBy(() -> TfjsModel.load(dir.resolve("layers.json")))
                .hasMessageContaining("layers.json").hasMessageContaining("graph-model");
        Files.writeString(dir.resolve("broken.json"), "{\"format\":");
        assertThatThrownBy(() -> TfjsModel.load(dir.resolve("broken.json")))
                .hasMessageContaining("broken.json").hasMessageContaining("not valid JSON");
        Path json = new TinyModel().write(dir);
        Files.delete(dir.resolve("tiny.bin"));
        assertThatThrownBy(() -> TfjsModel.load(json)).hasMessageContaining("tiny.bin")
                .hasMessageContaining("does not exist");
    }
}
