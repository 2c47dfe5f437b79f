package fourm.tfjs;

import com.google.protobuf.ByteString;
import fourm.tfjs.Weights.Weight;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Turns a TF.js topology into a GraphDef TensorFlow can import.
 *
 * <ul>
 *   <li>{@link #attachWeights}: every Const node gets its weight as its {@code value}; int32-stored weights of int64
 *       nodes are widened back to int64 and float32-stored weights of float64 nodes to float64 (TF.js has neither
 *       type).</li>
 *   <li>{@link #rewriteOps}: TF.js's fused ops become plain TensorFlow ops. {@code _FusedConv2D},
 *       {@code FusedDepthwiseConv2dNative} and {@code _FusedMatMul} become {@code Conv2D} /
 *       {@code DepthwiseConv2dNative} / {@code MatMul}, then {@code BiasAdd}, then the activation
 *       ({@code Relu}, {@code Relu6}, {@code Elu}, {@code Selu}, {@code LeakyRelu}, {@code Sigmoid}, {@code Tanh},
 *       {@code Prelu}); the last node keeps the original name so that consumers and fetches still find it.
 *       {@code Prelu}, which TensorFlow does not have, becomes {@code relu(x) + alpha * (x - relu(x))}.</li>
 * </ul>
 */
final class GraphRewriter {
    /** Suffix of the nodes the rewrites introduce, so that their names cannot clash with the model's. */
    static final String SUFFIX = "/_fourm_";

    private GraphRewriter() {
    }

    /** Sets each Const node's value from its weight; every weight must name a Const node and vice versa. */
    static void attachWeights(Path file, GraphDef.Builder graph, Map<String, Weight> weights) {
        Set<String> used = new HashSet<>();
        for (NodeDef.Builder node : graph.getNodeBuilderList()) {
            if (!node.getOp().equals("Const")) {
                continue;
            }
            Weight w = weights.get(node.getName());
            AttrValue dtypeAttr = node.getAttrMap().get("dtype");
            if (dtypeAttr == null || !dtypeAttr.hasType()) {
                throw new TfjsModelException(file, node.getName(), "the Const node has no 'dtype' attribute");
            }
            DataType dtype = dtypeAttr.getType();
            TensorProto declared = node.getAttrMap().containsKey("value")
                    ? node.getAttrMap().get("value").getTensor() : TensorProto.getDefaultInstance();
            if (w == null) {
                if (!hasInlineValue(declared)) {
                    throw new TfjsModelException(file, node.getName(), "the Const node has no weight in the manifest"
                            + " and no value of its own");
                }
                continue;
            }
            used.add(w.name());
            if (declared.hasTensorShape() && !sameShape(declared.getTensorShape(), w.shape())) {
                throw new TfjsModelException(w.file(), node.getName(), "the manifest's shape "
                        + java.util.Arrays.toString(w.shape()) + " differs from the node's shape "
                        + shapeString(declared.getTensorShape()));
            }
            TensorProto value = TensorProto.newBuilder()
                    .setDtype(dtype)
                    .setTensorShape(shape(w.shape()))
                    .setTensorContent(ByteString.copyFrom(content(file, node.getName(), dtype, w)))
                    .build();
            node.putAttr("value", AttrValue.newBuilder().setTensor(value).build());
        }
        for (String name : weights.keySet()) {
            if (!used.contains(name)) {
                throw new TfjsModelException(file, name, "the weights manifest has a weight for this name, but the"
                        + " topology has no Const node of that name");
            }
        }
    }

    private static byte[] content(Path file, String node, DataType dtype, Weight w) {
        switch (dtype) {
            case DT_FLOAT -> {
                if (w.floats() == null) {
                    throw mismatch(file, node, dtype, w);
                }
                ByteBuffer b = ByteBuffer.allocate(w.floats().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(w.floats());
                return b.array();
            }
            case DT_INT32 -> {
                if (w.ints() == null) {
                    throw mismatch(file, node, dtype, w);
                }
                ByteBuffer b = ByteBuffer.allocate(w.ints().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asIntBuffer().put(w.ints());
                return b.array();
            }
            case DT_DOUBLE -> {
                // TF.js has no float64 either: double constants are stored as float32.
                if (w.floats() == null) {
                    throw mismatch(file, node, dtype, w);
                }
                ByteBuffer b = ByteBuffer.allocate(w.floats().length * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : w.floats()) {
                    b.putDouble(v);
                }
                return b.array();
            }
            case DT_INT64 -> {
                // TF.js has no int64: the converter stores int64 constants as int32. Widen them back, or TensorFlow
                // reads 4-byte values as 8-byte ones.
                if (w.ints() == null) {
                    throw mismatch(file, node, dtype, w);
                }
                ByteBuffer b = ByteBuffer.allocate(w.ints().length * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (int v : w.ints()) {
                    b.putLong(v);
                }
                return b.array();
            }
            case DT_BOOL -> {
                if (w.bools() == null) {
                    throw mismatch(file, node, dtype, w);
                }
                return w.bools();
            }
            default -> throw new TfjsModelException(w.file(), node, "the Const node's dtype is " + dtype
                    + "; weights can only be loaded into DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64 or DT_BOOL nodes");
        }
    }

    private static TfjsModelException mismatch(Path file, String node, DataType dtype, Weight w) {
        return new TfjsModelException(w.file(), node, "the weight is stored as " + w.dtype()
                + ", which cannot be loaded into a " + dtype + " Const node (expected "
                + switch (dtype) {
                    case DT_FLOAT, DT_DOUBLE -> "float32";
                    case DT_INT32, DT_INT64 -> "int32";
                    default -> "bool";
                } + ")");
    }

    private static boolean hasInlineValue(TensorProto t) {
        long n = 1;
        for (TensorShapeProto.Dim d : t.getTensorShape().getDimList()) {
            n *= d.getSize();
        }
        return n == 0 || !t.getTensorContent().isEmpty() || t.getFloatValCount() > 0 || t.getIntValCount() > 0
                || t.getInt64ValCount() > 0 || t.getBoolValCount() > 0 || t.getDoubleValCount() > 0
                || t.getStringValCount() > 0 || t.getHalfValCount() > 0;
    }

    private static boolean sameShape(TensorShapeProto declared, long[] shape) {
        if (declared.getUnknownRank() || declared.getDimCount() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (declared.getDim(i).getSize() != shape[i]) {
                return false;
            }
        }
        return true;
    }

    static String shapeString(TensorShapeProto s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.getDimCount(); i++) {
            b.append(i == 0 ? "" : ", ").append(s.getDim(i).getSize());
        }
        return b.append(']').toString();
    }

    private static TensorShapeProto shape(long[] shape) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (long d : shape) {
            b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return b.build();
    }

    /** Rewrites TF.js's fused and tfjs-only ops into TensorFlow ops; other nodes are kept as they are. */
    static void rewriteOps(Path file, GraphDef.Builder graph) {
        List<NodeDef> out = new ArrayList<>(graph.getNodeCount() + 16);
        for (NodeDef node : graph.getNodeList()) {
            switch (node.getOp()) {
                case "_FusedConv2D" -> fused(file, node, "Conv2D", out);
                case "FusedDepthwiseConv2dNative" -> fused(file, node, "DepthwiseConv2dNative", out);
                case "_FusedMatMul" -> fused(file, node, "MatMul", out);
                case "Prelu" -> {
                    List<String> data = dataInputs(node);
                    if (data.size() != 2) {
                        throw new TfjsModelException(file, node.getName(), "Prelu takes 2 inputs (x, alpha), got "
                                + data.size());
                    }
                    prelu(node.getName(), node.getName() + SUFFIX, data.get(0), data.get(1), attr(node, "T"),
                            controlInputs(node), out);
                }
                default -> out.add(node);
            }
        }
        graph.clearNode().addAllNode(out);
    }

    private static void fused(Path file, NodeDef node, String baseOp, List<NodeDef> out) {
        String name = node.getName();
        List<String> data = dataInputs(node);
        List<String> fusedOps = node.getAttrMap().containsKey("fused_ops")
                ? node.getAttrMap().get("fused_ops").getList().getSList().stream().map(ByteString::toStringUtf8)
                .toList() : List.of();
        if (data.size() < 2) {
            throw new TfjsModelException(file, name, node.getOp() + " needs at least 2 inputs, got " + data.size());
        }
        if (fusedOps.isEmpty() || !fusedOps.get(0).equals("BiasAdd") || fusedOps.size() > 2) {
            throw new TfjsModelException(file, name, node.getOp() + " with fused_ops " + fusedOps
                    + " is not supported; expected [BiasAdd] or [BiasAdd, <activation>]");
        }
        String activation = fusedOps.size() == 2 ? fusedOps.get(1) : null;
        int args = activation != null && activation.equals("Prelu") ? 2 : 1;
        if (data.size() != 2 + args) {
            throw new TfjsModelException(file, name, node.getOp() + " with fused_ops " + fusedOps + " takes "
                    + (2 + args) + " inputs, got " + data.size());
        }
        AttrValue t = attr(node, "T");
        NodeDef.Builder base = NodeDef.newBuilder().setName(name + SUFFIX + "base").setOp(baseOp).setDevice(node.getDevice())
                .addInput(data.get(0)).addInput(data.get(1)).addAllInput(controlInputs(node));
        List<String> keep = switch (baseOp) {
            case "Conv2D" -> List.of("T", "strides", "padding", "explicit_paddings", "data_format", "dilations",
                    "use_cudnn_on_gpu");
            case "DepthwiseConv2dNative" -> List.of("T", "strides", "padding", "explicit_paddings", "data_format",
                    "dilations");
            default -> List.of("T", "transpose_a", "transpose_b");
        };
        for (String k : keep) {
            if (node.getAttrMap().containsKey(k)) {
                base.putAttr(k, node.getAttrMap().get(k));
            }
        }
        out.add(base.build());
        String biasName = activation == null ? name : name + SUFFIX + "bias";
        NodeDef.Builder bias = NodeDef.newBuilder().setName(biasName).setOp("BiasAdd").setDevice(node.getDevice())
                .addInput(base.getName()).addInput(data.get(2)).putAttr("T", t);
        if (!baseOp.equals("MatMul") && node.getAttrMap().containsKey("data_format")) {
            bias.putAttr("data_format", node.getAttrMap().get("data_format"));
        }
        out.add(bias.build());
        if (activation == null) {
            return;
        }
        switch (activation) {
            case "Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh" -> out.add(NodeDef.newBuilder().setName(name)
                    .setOp(activation).setDevice(node.getDevice()).addInput(biasName).putAttr("T", t).build());
            case "LeakyRelu" -> {
                NodeDef.Builder b = NodeDef.newBuilder().setName(name).setOp("LeakyRelu").setDevice(node.getDevice())
                        .addInput(biasName).putAttr("T", t);
                if (node.getAttrMap().containsKey("leakyrelu_alpha")) {
                    b.putAttr("alpha", node.getAttrMap().get("leakyrelu_alpha"));
                }
                out.add(b.build());
            }
            case "Prelu" -> prelu(name, name + SUFFIX, biasName, data.get(3), t, List.of(), out);
            default -> throw new TfjsModelException(file, name, node.getOp() + " fuses the activation '" + activation
                    + "', which is not supported; expected Relu, Relu6, Elu, Selu, LeakyRelu, Sigmoid, Tanh or Prelu");
        }
    }

    /** {@code prelu(x) = relu(x) + alpha * (x - relu(x))}: negative part scaled by alpha. */
    private static void prelu(String name, String prefix, String x, String alpha, AttrValue t, List<String> control,
                              List<NodeDef> out) {
        out.add(NodeDef.newBuilder().setName(prefix + "relu").setOp("Relu").addInput(x).addAllInput(control)
                .putAttr("T", t).build());
        out.add(NodeDef.newBuilder().setName(prefix + "neg").setOp("Sub").addInput(x).addInput(prefix + "relu")
                .putAttr("T", t).build());
        out.add(NodeDef.newBuilder().setName(prefix + "scaled").setOp("Mul").addInput(alpha).addInput(prefix + "neg")
                .putAttr("T", t).build());
        out.add(NodeDef.newBuilder().setName(name).setOp("AddV2").addInput(prefix + "relu").addInput(prefix + "scaled")
                .putAttr("T", t).build());
    }

    private static AttrValue attr(NodeDef node, String key) {
        AttrValue v = node.getAttrMap().get(key);
        return v != null ? v : AttrValue.newBuilder().setType(DataType.DT_FLOAT).build();
    }

    static List<String> dataInputs(NodeDef node) {
        return node.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
    }

    static List<String> controlInputs(NodeDef node) {
        return node.getInputList().stream().filter(i -> i.startsWith("^")).toList();
    }
}
