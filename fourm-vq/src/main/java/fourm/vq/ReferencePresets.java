package fourm.vq;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import fourm.vq.VqConfig.Arch;
import fourm.vq.VqConfig.Network;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The architecture names a reference tokenizer's {@code config.json} uses in {@code enc_type} and {@code dec_type},
 * with their sizes: the reference's ViT presets ({@code vit_s_enc}, {@code vit_b_enc}, {@code vit_l_enc} and their
 * {@code _dec} twins, declared in fourm-vq's {@code reference.conf} under {@value #PATH}), presets declared in HOCON
 * beside them (same keys as a preset's {@code encoder} node: {@code type}, {@code dim}, {@code depth}, {@code heads},
 * {@code mlp-ratio}), and the reference's BottleneckMLP ids, whose sizes are in the name
 * ({@code BottleneckMLP/B_<blocks>-Wi_<width>[-X_<expansion>]}, expansion 4 by default, as the reference's
 * {@code build_mlp} reads them).
 */
public final class ReferencePresets {
    /** Where the presets live in the configuration. */
    public static final String PATH = "fourm.vq.reference.presets";

    private static final Pattern MLP = Pattern.compile("BottleneckMLP/B_(\\d+)-Wi_(\\d+)(?:-[A-Za-z]+_(\\d+))?");

    private final Map<String, Network> presets;

    private ReferencePresets(Map<String, Network> presets) {
        this.presets = Collections.unmodifiableMap(presets);
    }

    /** The presets of fourm-vq's {@code reference.conf} (the reference's own ViT presets). */
    public static ReferencePresets builtIn() {
        Config ref = ConfigFactory.defaultReference(ReferencePresets.class.getClassLoader());
        return fromConfig(ref.hasPath(PATH) ? ref.getConfig(PATH) : ConfigFactory.empty());
    }

    /**
     * Presets from a node whose keys are preset names (the node at {@value #PATH}, or a plugin's
     * {@code tokenizer.reference-presets}).
     *
     * @throws ConfigException naming the preset and key for a missing, mistyped or unknown setting
     */
    public static ReferencePresets fromConfig(Config node) {
        Map<String, Network> out = new TreeMap<>();
        for (String name : node.root().keySet()) {
            String key = ConfigUtil.joinPath(name);
            Config n;
            try {
                n = node.getConfig(key);
            } catch (ConfigException.WrongType e) {
                throw new ConfigException.WrongType(node.getValue(key).origin(), key, "an object (type, dim, depth,"
                        + " heads, mlp-ratio)", node.getValue(key).valueType().name());
            }
            try {
                out.put(name, VqConfig.networkFromConfig(n, "presets." + key + "."));
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(n.origin(), key, e.getMessage(), e);
            }
        }
        return new ReferencePresets(out);
    }

    /** These presets with {@code more} added (a name in both takes {@code more}'s sizes). */
    public ReferencePresets with(ReferencePresets more) {
        Map<String, Network> all = new TreeMap<>(presets);
        all.putAll(more.presets);
        return new ReferencePresets(all);
    }

    /** The declared presets by name (BottleneckMLP ids are not listed: their sizes are in the name). */
    public Map<String, Network> declared() {
        return presets;
    }

    /**
     * The network of a name: a declared preset or a BottleneckMLP id.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public Network resolve(String name) {
        Network n = presets.get(name);
        if (n != null) {
            return n;
        }
        Matcher m = MLP.matcher(name);
        if (m.matches()) {
            int blocks = Integer.parseInt(m.group(1));
            int width = Integer.parseInt(m.group(2));
            int expansion = m.group(3) == null ? 4 : Integer.parseInt(m.group(3));
            return new Network(Arch.BOTTLENECK_MLP, width, blocks, 0, expansion);
        }
        if (name.startsWith("MLP/")) {
            throw new IllegalArgumentException("'" + name + "' is the reference's StandardMLP, which fourm-vq does not"
                    + " implement; expected a BottleneckMLP id or one of " + presets.keySet());
        }
        throw new IllegalArgumentException("unknown architecture preset '" + name + "'; known: " + presets.keySet()
                + " and BottleneckMLP ids (BottleneckMLP/B_<blocks>-Wi_<width>); declare others under " + PATH
                + " (type, dim, depth, heads, mlp-ratio)");
    }

    @Override
    public String toString() {
        return "ReferencePresets" + presets.keySet();
    }
}
