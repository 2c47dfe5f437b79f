package fourm.tfjs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A TensorFlow.js graph model loaded into TensorFlow Java and ready to run.
 *
 * <p>{@link #load(Path, int)} reads {@code model.json} (a {@code graph-model}: the topology is a TensorFlow GraphDef in
 * proto3 JSON, the weights manifest lists the weights) and its {@code .bin} files, decodes quantised weights
 * (float16, uint8, uint16), widens int64 constants that TF.js stored as int32, rewrites TF.js's fused ops into
 * TensorFlow ops (see the module README), validates every node against TensorFlow's op registry and only then imports
 * the graph: a malformed model is reported as a {@link TfjsModelException} naming the file and the node, and never
 * reaches TensorFlow's fatal checks.
 *
 * <p>{@link #run(Map, List)} feeds named inputs and fetches named tensors ({@code node} or {@code node:index}); any
 * node can be fetched, e.g. a backbone's feature map. Runs may be concurrent; {@link #close()} waits for them.
 */
public final class TfjsModel implements AutoCloseable {
    private final Path file;
    private final GraphDef graphDef;
    private final Map<String, NodeDef> nodes;
    private final Map<String, String> inputs;
    private final Map<String, String> outputs;
    private final Graph graph;
    private final Session session;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private TfjsModel(Path file, GraphDef graphDef, Map<String, String> inputs, Map<String, String> outputs,
                      Graph graph, Session session) {
        this.file = file;
        this.graphDef = graphDef;
        Map<String, NodeDef> byName = new LinkedHashMap<>();
        for (NodeDef n : graphDef.getNodeList()) {
            byName.put(n.getName(), n);
        }
        this.nodes = byName;
        this.inputs = inputs;
        this.outputs = outputs;
        this.graph = graph;
        this.session = session;
    }

    /** Loads a model with two compute threads (the project machines' core count). */
    public static TfjsModel load(Path modelJson) {
        return load(modelJson, 2);
    }

    /**
     * Loads, validates and imports a TF.js graph model.
     *
     * @param modelJson the {@code model.json} (any name); its weight files are found next to it
     * @param threads   compute threads for one run (TensorFlow's intra-op parallelism), at least 1
     * @throws TfjsModelException naming the file and node for every problem with the files
     */
    public static TfjsModel load(Path modelJson, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (!Files.isRegularFile(modelJson)) {
            throw new TfjsModelException(modelJson, "the model file does not exist (run bin/fetch-models to fetch"
                    + " the models)");
        }
        ModelJson json = ModelJson.read(modelJson);
        GraphDef def = prepare(modelJson, json);
        Graph graph = new Graph();
        try {
            graph.importGraphDef(def);
        } catch (IllegalArgumentException | TensorFlowException e) {
            graph.close();
            throw new TfjsModelException(modelJson, nodeNamedIn(e.getMessage(), def),
                    "TensorFlow refused the graph: " + e.getMessage(), e);
        }
        // Grappler's remapper is off: on BlazePose-heavy it fuses Pad + Conv2D + BiasAdd + Add + Relu6, and TensorFlow
        // 2.18's oneDNN layout pass then crashes the process (SIGSEGV) rewriting that node. Without the remapper
        // every model of the package runs, and the labelers' timings did not change measurably.
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(1)
                .setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
                        RewriterConfig.newBuilder().setRemapping(RewriterConfig.Toggle.OFF)))
                .build();
        Session session;
        try {
            session = new Session(graph, config);
        } catch (RuntimeException e) {
            graph.close();
            throw new TfjsModelException(modelJson, null, "TensorFlow could not create a session: "
                    + e.getMessage(), e);
        }
        return new TfjsModel(modelJson, def, json.inputs, json.outputs, graph, session);
    }

    /**
     * Reads, decodes, rewrites and validates a model without importing it: the GraphDef TensorFlow would get.
     *
     * @throws TfjsModelException naming the file and node for every problem
     */
    public static GraphDef prepare(Path modelJson) {
        return prepare(modelJson, ModelJson.read(modelJson));
    }

    private static GraphDef prepare(Path modelJson, ModelJson json) {
        Map<String, Weights.Weight> weights = Weights.read(modelJson, json.groups);
        GraphRewriter.attachWeights(modelJson, json.graph, weights);
        GraphRewriter.rewriteOps(modelJson, json.graph);
        GraphDef def = json.graph.build();
        GraphValidator.validate(modelJson, def);
        return def;
    }

    private static String nodeNamedIn(String message, GraphDef def) {
        if (message == null) {
            return null;
        }
        String best = null;
        for (NodeDef n : def.getNodeList()) {
            if (message.contains("'" + n.getName() + "'") || message.contains("node " + n.getName())) {
                if (best == null || n.getName().length() > best.length()) {
                    best = n.getName();
                }
            }
        }
        return best;
    }

    /** The {@code model.json} this model was loaded from. */
    public Path file() {
        return file;
    }

    /**
     * The signature's inputs: graph tensor name (the entry's {@code name}, not its alias) to dtype name, e.g.
     * {@code input:0 -> DT_INT32}; empty if the model has no signature.
     */
    public Map<String, String> signatureInputs() {
        return inputs;
    }

    /** The signature's outputs: graph tensor name (e.g. {@code Identity:0}) to dtype name; empty if none. */
    public Map<String, String> signatureOutputs() {
        return outputs;
    }

    /** The names of the graph's nodes, in graph order (after the rewrites). */
    public List<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    /** The op of a node, if the graph has a node of that name. */
    public Optional<String> op(String node) {
        return Optional.ofNullable(nodes.get(node)).map(NodeDef::getOp);
    }

    /**
     * The declared shape of a placeholder ({@code node} or {@code node:0}), -1 for unknown dimensions.
     *
     * @throws TfjsModelException if the graph has no placeholder of that name or it declares no shape
     */
    public long[] inputShape(String input) {
        NodeDef node = nodes.get(nodeOf(input));
        if (node == null || !node.getOp().equals("Placeholder")) {
            throw new TfjsModelException(file, nodeOf(input), "the graph has no placeholder of that name");
        }
        AttrValue shape = node.getAttrMap().get("shape");
        if (shape == null || !shape.hasShape() || shape.getShape().getUnknownRank()) {
            throw new TfjsModelException(file, node.getName(), "the placeholder declares no shape");
        }
        return shape.getShape().getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
    }

    /** The imported GraphDef (after weights, rewrites and validation). */
    public GraphDef graphDef() {
        return graphDef;
    }

    /**
     * Runs the graph once.
     *
     * @param feeds   input tensor name ({@code node} or {@code node:0}) to value; the values are converted to the
     *                placeholder's dtype (float32, int32, int64 or uint8, rounded and clamped) and must match its
     *                known dimensions
     * @param fetches tensor names to compute ({@code node} or {@code node:index})
     * @return the fetched tensors, by the names given
     * @throws TfjsModelException    naming the node, for an unknown input or fetch, a shape that does not match or a
     *                               failure inside TensorFlow
     * @throws IllegalStateException if the model is closed
     */
    public Map<String, HostTensor> run(Map<String, HostTensor> feeds, List<String> fetches) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(file + ": the model is closed");
            }
            List<Tensor> fed = new ArrayList<>();
            try {
                Session.Runner runner = session.runner();
                for (Map.Entry<String, HostTensor> e : feeds.entrySet()) {
                    Tensor t = toTensor(e.getKey(), e.getValue());
                    fed.add(t);
                    runner.feed(e.getKey(), t);
                }
                for (String f : fetches) {
                    if (!nodes.containsKey(nodeOf(f))) {
                        throw new TfjsModelException(file, nodeOf(f), "cannot fetch '" + f
                                + "': the graph has no node of that name");
                    }
                    runner.fetch(f);
                }
                Map<String, HostTensor> out = new LinkedHashMap<>();
                try (Result result = runner.run()) {
                    for (int i = 0; i < fetches.size(); i++) {
                        out.put(fetches.get(i), fromTensor(fetches.get(i), result.get(i)));
                    }
                }
                return out;
            } catch (TensorFlowException | IllegalArgumentException e) {
                throw new TfjsModelException(file, nodeNamedIn(e.getMessage(), graphDef),
                        "the run failed: " + e.getMessage(), e);
            } finally {
                fed.forEach(Tensor::close);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static String nodeOf(String tensorName) {
        int colon = tensorName.lastIndexOf(':');
        return colon > 0 && tensorName.substring(colon + 1).chars().allMatch(Character::isDigit)
                ? tensorName.substring(0, colon) : tensorName;
    }

    private Tensor toTensor(String name, HostTensor value) {
        NodeDef node = nodes.get(nodeOf(name));
        if (node == null) {
            throw new TfjsModelException(file, nodeOf(name), "cannot feed '" + name
                    + "': the graph has no node of that name");
        }
        AttrValue dtypeAttr = node.getAttrMap().get("dtype");
        DataType dtype = dtypeAttr != null ? dtypeAttr.getType() : DataType.DT_FLOAT;
        long[] shape = value.shape();
        AttrValue shapeAttr = node.getAttrMap().get("shape");
        if (shapeAttr != null && shapeAttr.hasShape() && !shapeAttr.getShape().getUnknownRank()) {
            TensorShapeProto s = shapeAttr.getShape();
            boolean ok = s.getDimCount() == shape.length;
            for (int i = 0; ok && i < shape.length; i++) {
                long d = s.getDim(i).getSize();
                ok = d < 0 || d == shape[i];
            }
            if (!ok) {
                throw new TfjsModelException(file, node.getName(), "the input has shape "
                        + GraphRewriter.shapeString(s).replace("-1", "?") + ", got " + Arrays.toString(shape));
            }
        }
        float[] v = value.values();
        switch (dtype) {
            case DT_FLOAT -> {
                return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(v, true, false));
            }
            case DT_INT32 -> {
                int[] ints = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    ints[i] = Math.round(v[i]);
                }
                return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(ints, true, false));
            }
            case DT_INT64 -> {
                long[] longs = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    longs[i] = Math.round((double) v[i]);
                }
                return TInt64.tensorOf(Shape.of(shape), DataBuffers.of(longs, true, false));
            }
            case DT_UINT8 -> {
                byte[] bytes = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    bytes[i] = (byte) Math.max(0, Math.min(255, Math.round(v[i])));
                }
                return TUint8.tensorOf(Shape.of(shape), DataBuffers.of(bytes, true, false));
            }
            default -> throw new TfjsModelException(file, node.getName(), "inputs of type " + dtype
                    + " are not supported; expected DT_FLOAT, DT_INT32, DT_INT64 or DT_UINT8");
        }
    }

    private HostTensor fromTensor(String name, Tensor t) {
        long[] shape = t.shape().asArray();
        int n = (int) t.shape().size();
        float[] v = new float[n];
        ByteDataBuffer data = t.asRawTensor().data();
        switch (t.dataType()) {
            case DT_FLOAT -> data.asFloats().read(v);
            case DT_INT32 -> {
                int[] ints = new int[n];
                data.asInts().read(ints);
                for (int i = 0; i < n; i++) {
                    v[i] = ints[i];
                }
            }
            case DT_INT64 -> {
                long[] longs = new long[n];
                data.asLongs().read(longs);
                for (int i = 0; i < n; i++) {
                    v[i] = longs[i];
                }
            }
            case DT_BOOL, DT_UINT8 -> {
                byte[] b = new byte[n];
                data.read(b);
                for (int i = 0; i < n; i++) {
                    v[i] = t.dataType() == DataType.DT_BOOL ? (b[i] != 0 ? 1f : 0f) : b[i] & 0xff;
                }
            }
            case DT_DOUBLE -> {
                double[] d = new double[n];
                data.asDoubles().read(d);
                for (int i = 0; i < n; i++) {
                    v[i] = (float) d[i];
                }
            }
            default -> throw new TfjsModelException(file, nodeOf(name), "cannot fetch '" + name + "': tensors of"
                    + " type " + t.dataType() + " are not supported");
        }
        return new HostTensor(shape, v);
    }

    /** Frees the session and the graph; waits for running calls. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
                graph.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
