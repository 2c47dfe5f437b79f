package fourm.tfjs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small TF.js graph model written by the tests, exercising what the real models need: {@code _FusedConv2D} with
 * BiasAdd + Relu, {@code FusedDepthwiseConv2dNative} with BiasAdd + Relu6, {@code Prelu}, float16- and
 * uint8-quantised weights, and an int64 constant stored as int32 feeding a Reshape.
 *
 * <pre>
 *   x [1,2,2,2] -> conv (1x1, 2->3, +b1, relu) -> dw (1x1 depthwise, +b2, relu6) -> reshape [1,12] = "out"
 *   y [1,3]     -> prelu(alpha)                                                       = "pr"
 * </pre>
 */
final class TinyModel {
    /** w1[0][0][i][o] (float16): rows are input channels. */
    static final float[] W1 = {1f, 0.5f, -1f, 2f, -0.25f, 0.75f};
    static final int[] W1_HALF = {0x3C00, 0x3800, 0xBC00, 0x4000, 0xB400, 0x3A00};
    /** b1 = q * scale + min with q = {0, 2, 4}, scale 0.25, min -0.5. */
    static final float[] B1 = {-0.5f, 0f, 0.5f};
    static final float[] W2 = {2f, -1f, 0.5f};
    static final float[] B2 = {1f, 0.5f, -0.25f};
    static final float[] ALPHA = {0.1f, 0.2f, 0.3f};

    final JsonObject json;
    final ByteArrayOutputStream bin = new ByteArrayOutputStream();

    TinyModel() {
        json = new JsonObject();
        json.addProperty("format", "graph-model");
        JsonObject topology = new JsonObject();
        JsonArray nodes = new JsonArray();
        nodes.add(placeholder("x", 1, 2, 2, 2));
        nodes.add(placeholder("y", 1, 3));
        nodes.add(constant("w1", "DT_FLOAT", 1, 1, 2, 3));
        nodes.add(constant("b1", "DT_FLOAT", 3));
        nodes.add(constant("w2", "DT_FLOAT", 1, 1, 3, 1));
        nodes.add(constant("b2", "DT_FLOAT", 3));
        nodes.add(constant("alpha", "DT_FLOAT", 3));
        nodes.add(constant("shape", "DT_INT64", 2));
        JsonObject conv = node("conv", "_FusedConv2D", "x", "w1", "b1");
        conv.getAsJsonObject("attr").add("fused_ops", strings("BiasAdd", "Relu"));
        convAttrs(conv);
        conv.getAsJsonObject("attr").add("num_args", intAttr(1));
        conv.getAsJsonObject("attr").add("use_cudnn_on_gpu", boolAttr(true));
        nodes.add(conv);
        JsonObject dw = node("dw", "FusedDepthwiseConv2dNative", "conv", "w2", "b2");
        dw.getAsJsonObject("attr").add("fused_ops", strings("BiasAdd", "Relu6"));
        convAttrs(dw);
        dw.getAsJsonObject("attr").add("num_args", intAttr(1));
        nodes.add(dw);
        JsonObject reshape = node("out", "Reshape", "dw", "shape");
        reshape.getAsJsonObject("attr").add("Tshape", type("DT_INT64"));
        nodes.add(reshape);
        nodes.add(node("pr", "Prelu", "y", "alpha"));
        topology.add("node", nodes);
        topology.add("library", new JsonObject());
        topology.add("versions", new JsonObject());
        json.add("modelTopology", topology);

        JsonArray weights = new JsonArray();
        weights.add(weight("w1", "float32", quant("float16", null, null), 1, 1, 2, 3));
        for (int h : W1_HALF) {
            bin.write(h & 0xff);
            bin.write(h >>> 8);
        }
        weights.add(weight("b1", "float32", quant("uint8", -0.5f, 0.25f), 3));
        bin.writeBytes(new byte[] {0, 2, 4});
        weights.add(weight("w2", "float32", null, 1, 1, 3, 1));
        floats(W2);
        weights.add(weight("b2", "float32", null, 3));
        floats(B2);
        weights.add(weight("alpha", "float32", null, 3));
        floats(ALPHA);
        weights.add(weight("shape", "int32", null, 2));
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(12);
        bin.writeBytes(b.array());
        JsonObject group = new JsonObject();
        JsonArray paths = new JsonArray();
        paths.add("tiny.bin");
        group.add("paths", paths);
        group.add("weights", weights);
        JsonArray manifest = new JsonArray();
        manifest.add(group);
        json.add("weightsManifest", manifest);
    }

    /** What the graph computes for {@code x} (NHWC, [1,2,2,2]): the 12 values of "out". */
    static float[] expectedOut(float[] x) {
        float[] out = new float[12];
        for (int p = 0; p < 4; p++) {
            for (int o = 0; o < 3; o++) {
                float v = B1[o];
                for (int i = 0; i < 2; i++) {
                    v += x[p * 2 + i] * W1[i * 3 + o];
                }
                v = Math.max(0f, v);
                v = v * W2[o] + B2[o];
                out[p * 3 + o] = Math.min(6f, Math.max(0f, v));
            }
        }
        return out;
    }

    /** What the graph computes for {@code y} ([1,3]): prelu. */
    static float[] expectedPrelu(float[] y) {
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            out[i] = y[i] >= 0 ? y[i] : ALPHA[i] * y[i];
        }
        return out;
    }

    /** The topology's node of the given name. */
    JsonObject nodeNamed(String name) {
        for (var e : json.getAsJsonObject("modelTopology").getAsJsonArray("node")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** The manifest's entry of the given weight. */
    JsonObject weightNamed(String name) {
        for (var e : json.getAsJsonArray("weightsManifest").get(0).getAsJsonObject().getAsJsonArray("weights")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** Writes {@code tiny.json} and {@code tiny.bin} (its first {@code binBytes} bytes, all if negative). */
    Path write(Path dir, int binBytes) throws IOException {
        Files.writeString(dir.resolve("tiny.json"), json.toString(), StandardCharsets.UTF_8);
        byte[] data = bin.toByteArray();
        Files.write(dir.resolve("tiny.bin"), binBytes < 0 ? data : java.util.Arrays.copyOf(data, binBytes));
        return dir.resolve("tiny.json");
    }

    Path write(Path dir) throws IOException {
        return write(dir, -1);
    }

    private void floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        bin.writeBytes(b.array());
    }

    private static void convAttrs(JsonObject n) {
        JsonObject a = n.getAsJsonObject("attr");
        JsonObject strides = new JsonObject();
        JsonObject list = new JsonObject();
        JsonArray ones = new JsonArray();
        for (int i = 0; i < 4; i++) {
            ones.add("1");
        }
        list.add("i", ones);
        strides.add("list", list);
        a.add("strides", strides);
        a.add("padding", stringAttr("VALID"));
        a.add("data_format", stringAttr("NHWC"));
    }

    private static JsonObject placeholder(String name, long... shape) {
        JsonObject n = new JsonObject();
        n.addProperty("name", name);
        n.addProperty("op", "Placeholder");
        JsonObject attr = new JsonObject();
        attr.add("dtype", type("DT_FLOAT"));
        JsonObject s = new JsonObject();
        s.add("shape", shape(shape));
        attr.add("shape", s);
        n.add("attr", attr);
        return n;
    }

    static JsonObject constant(String name, String dtype, long... shape) {
        JsonObject n = new JsonObject();
        n.addProperty("name", name);
        n.addProperty("op", "Const");
        JsonObject attr = new JsonObject();
        attr.add("dtype", type(dtype));
        JsonObject tensor = new JsonObject();
        tensor.addProperty("dtype", dtype);
        tensor.add("tensorShape", shape(shape));
        JsonObject value = new JsonObject();
        value.add("tensor", tensor);
        attr.add("value", value);
        n.add("attr", attr);
        return n;
    }

    static JsonObject node(String name, String op, String... inputs) {
        JsonObject n = new JsonObject();
        n.addProperty("name", name);
        n.addProperty("op", op);
        JsonArray in = new JsonArray();
        for (String i : inputs) {
            in.add(i);
        }
        n.add("input", in);
        JsonObject attr = new JsonObject();
        attr.add("T", type("DT_FLOAT"));
        n.add("attr", attr);
        return n;
    }

    static JsonObject type(String t) {
        JsonObject o = new JsonObject();
        o.addProperty("type", t);
        return o;
    }

    private static JsonObject intAttr(long v) {
        JsonObject o = new JsonObject();
        o.addProperty("i", Long.toString(v));
        return o;
    }

    private static JsonObject boolAttr(boolean v) {
        JsonObject o = new JsonObject();
        o.addProperty("b", v);
        return o;
    }

    private static JsonObject stringAttr(String s) {
        JsonObject o = new JsonObject();
        o.addProperty("s", java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
        return o;
    }

    static JsonObject strings(String... s) {
        JsonArray arr = new JsonArray();
        for (String v : s) {
            arr.add(java.util.Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
        }
        JsonObject list = new JsonObject();
        list.add("s", arr);
        JsonObject o = new JsonObject();
        o.add("list", list);
        return o;
    }

    private static JsonObject shape(long... dims) {
        JsonObject s = new JsonObject();
        JsonArray d = new JsonArray();
        for (long v : dims) {
            JsonObject dim = new JsonObject();
            if (v != 0) {
                dim.addProperty("size", Long.toString(v));
            }
            d.add(dim);
        }
        s.add("dim", d);
        return s;
    }

    private static JsonObject weight(String name, String dtype, JsonObject quantization, long... shape) {
        JsonObject w = new JsonObject();
        w.addProperty("name", name);
        JsonArray s = new JsonArray();
        for (long v : shape) {
            s.add(v);
        }
        w.add("shape", s);
        w.addProperty("dtype", dtype);
        if (quantization != null) {
            w.add("quantization", quantization);
        }
        return w;
    }

    private static JsonObject quant(String dtype, Float min, Float scale) {
        JsonObject q = new JsonObject();
        q.addProperty("dtype", dtype);
        if (min != null) {
            q.addProperty("min", min);
            q.addProperty("scale", scale);
        }
        q.addProperty("original_dtype", "float32");
        return q;
    }
}
