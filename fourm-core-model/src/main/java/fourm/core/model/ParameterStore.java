package fourm.core.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's tensors keyed by the reference's state-dict names ({@code encoder.0.attn.qkv.weight},
 * {@code encoder_embeddings.tok_rgb@224.token_emb.weight}, ...). Buffers (sin-cos positions, zero LayerNorm biases of
 * bias-free models) are included; tied entries (a decoder {@code mod_emb} shared with the encoder's) resolve to the one
 * array they share. All arrays belong to the model's NDManager.
 */
public final class ParameterStore {
    private final Map<String, ParameterLayout.Spec> specs;
    private final Map<String, NDArray> arrays;

    ParameterStore(List<ParameterLayout.Spec> layout, Map<String, NDArray> arrays) {
        Map<String, ParameterLayout.Spec> s = new LinkedHashMap<>();
        for (ParameterLayout.Spec spec : layout) {
            s.put(spec.name(), spec);
        }
        this.specs = Collections.unmodifiableMap(s);
        Map<String, NDArray> a = new LinkedHashMap<>();
        for (ParameterLayout.Spec spec : layout) {
            if (!spec.isAlias()) {
                NDArray arr = arrays.get(spec.name());
                if (arr == null) {
                    throw new IllegalArgumentException("no array for " + spec.name());
                }
                a.put(spec.name(), arr);
            }
        }
        this.arrays = Collections.unmodifiableMap(a);
    }

    /**
     * The array of {@code name} (a tied name gives the shared array).
     *
     * @throws IllegalArgumentException if the model has no such entry
     */
    public NDArray get(String name) {
        ParameterLayout.Spec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("the model has no tensor '" + name + "'");
        }
        return arrays.get(s.isAlias() ? s.tiedTo() : name);
    }

    /** True when the model has an entry {@code name}. */
    public boolean has(String name) {
        return specs.containsKey(name);
    }

    /** Every state-dict key, tied ones included, in the reference's order. */
    public List<String> stateDictKeys() {
        return List.copyOf(specs.keySet());
    }

    /** The trainable parameters (no buffers, each shared tensor once), by name, in order. */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            if (specs.get(e.getKey()).role() == ParameterLayout.Role.PARAMETER) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The buffer names. */
    public List<String> bufferNames() {
        List<String> out = new ArrayList<>();
        specs.values().stream().filter(s -> s.role() == ParameterLayout.Role.BUFFER)
                .forEach(s -> out.add(s.name()));
        return out;
    }

    /** True when {@code name} is a buffer. */
    public boolean isBuffer(String name) {
        ParameterLayout.Spec s = specs.get(name);
        return s != null && s.role() == ParameterLayout.Role.BUFFER;
    }

    /** The key {@code name} is tied to, if it is a tied entry. */
    public Optional<String> tiedTo(String name) {
        ParameterLayout.Spec s = specs.get(name);
        return s == null ? Optional.empty() : Optional.ofNullable(s.tiedTo());
    }

    /** The shape of {@code name}. */
    public long[] shape(String name) {
        ParameterLayout.Spec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException("the model has no tensor '" + name + "'");
        }
        return s.shape();
    }

    /** Number of trainable elements (shared tensors counted once). */
    public long parameterCount() {
        long n = 0;
        for (Map.Entry<String, NDArray> e : trainable().entrySet()) {
            n += e.getValue().size();
        }
        return n;
    }

    List<ParameterLayout.Spec> specs() {
        return List.copyOf(specs.values());
    }
}
