package fourm.core.model;

import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Every state-dict entry of a configuration, with the reference's names, shapes, roles and initialisation (spec
 * sections 2.6 and 2.7). The order is the reference module's registration order.
 */
final class ParameterLayout {

    /** Parameter (trainable) or buffer (fixed, still saved). */
    enum Role {
        PARAMETER, BUFFER
    }

    /** How a new model initialises an entry. */
    enum Init {
        ZEROS, ONES, XAVIER, NORMAL,
        /** The layout's fixed positional table ({@link TokenLayout#fixedPositions(int)}). */
        FIXED
    }

    /**
     * One entry.
     *
     * @param name   reference state-dict key
     * @param shape  shape
     * @param role   parameter or buffer
     * @param init   initialisation of a new model
     * @param tiedTo the key of the entry this one is the same tensor as, or null
     * @param layout the layout whose fixed positional table initialises a {@link Init#FIXED} entry, else null
     */
    record Spec(String name, long[] shape, Role role, Init init, String tiedTo, TokenLayout layout) {
        Spec {
            shape = shape.clone();
        }

        Spec(String name, long[] shape, Role role, Init init, String tiedTo) {
            this(name, shape, role, init, tiedTo, null);
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        boolean isAlias() {
            return tiedTo != null;
        }

        /** The uniform bound of xavier initialisation, with the reference's qkv and kv special cases. */
        double xavierBound() {
            double out = shape[0];
            double in = shape[1];
            if (name.contains("qkv")) {
                return Math.sqrt(6.0 / (out / 3 + in));
            }
            if (name.contains("kv")) {
                return Math.sqrt(6.0 / (out / 2 + in));
            }
            return Math.sqrt(6.0 / (out + in));
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape) + " " + role + (tiedTo == null ? "" : " tied to " + tiedTo);
        }
    }

    private final List<Spec> specs = new ArrayList<>();
    private final FourMConfig c;

    private ParameterLayout(FourMConfig c) {
        this.c = c;
    }

    /** The layout of {@code config}. */
    static List<Spec> of(FourMConfig config) {
        ParameterLayout l = new ParameterLayout(config);
        l.build();
        return Collections.unmodifiableList(l.specs);
    }

    private void build() {
        long d = c.dim();
        param("mask_token", Init.NORMAL, 1, 1, d);
        for (String key : c.domainsIn()) {
            ModalitySpec m = c.modality(key);
            TokenLayout l = m.layout();
            String p = "encoder_embeddings." + key + ".";
            param(p + "mod_emb", Init.NORMAL, 1, 1, d);
            posEmb(p, l);
            if (l.discrete()) {
                param(p + l.inputWeight(), Init.NORMAL, c.vocabSize(key), d);
            } else {
                param(p + l.inputWeight(), Init.XAVIER, d, l.tokenWidth());
            }
            l.inputBias().ifPresent(bias -> param(p + bias, Init.ZEROS, d));
        }
        for (String key : c.domainsOut()) {
            TokenLayout l = c.modality(key).layout();
            String p = "decoder_embeddings." + key + ".";
            if (c.shareModalityEmbeddings() && c.isInput(key)) {
                specs.add(new Spec(p + "mod_emb", new long[] {1, 1, d}, Role.PARAMETER, Init.NORMAL,
                        "encoder_embeddings." + key + ".mod_emb"));
            } else {
                param(p + "mod_emb", Init.NORMAL, 1, 1, d);
            }
            posEmb(p, l);
            param(p + l.inputWeight(), Init.NORMAL, c.vocabSize(key), d);
            param(p + "to_logits.weight", Init.XAVIER, c.vocabSize(key), d);
        }
        for (int i = 0; i < c.encoderDepth(); i++) {
            String p = "encoder." + i + ".";
            norm(p + "norm1", d);
            attention(p + "attn.");
            norm(p + "norm2", d);
            mlp(p + "mlp.");
        }
        norm("encoder_norm", d);
        param("decoder_proj_context.weight", Init.XAVIER, d, d);
        param("decoder_proj_context.bias", Init.ZEROS, d);
        for (int i = 0; i < c.decoderDepth(); i++) {
            String p = "decoder." + i + ".";
            norm(p + "norm1", d);
            attention(p + "self_attn.");
            linear(p + "cross_attn.q", d, d, c.qkvBias());
            linear(p + "cross_attn.kv", 2 * d, d, c.qkvBias());
            if (c.qkNorm()) {
                norm(p + "cross_attn.q_norm", c.headDim());
                norm(p + "cross_attn.k_norm", c.headDim());
            }
            linear(p + "cross_attn.proj", d, d, c.projBias());
            norm(p + "query_norm", d);
            norm(p + "context_norm", d);
            norm(p + "norm2", d);
            mlp(p + "mlp.");
        }
        norm("decoder_norm", d);
    }

    private void posEmb(String prefix, TokenLayout l) {
        long rows = l.positionRows();
        if (l.learnedPositions()) {
            param(prefix + "pos_emb", Init.NORMAL, 1, rows, c.dim());
        } else {
            specs.add(new Spec(prefix + "pos_emb", new long[] {1, rows, c.dim()}, Role.BUFFER, Init.FIXED, null, l));
        }
    }

    private void attention(String p) {
        long d = c.dim();
        linear(p + "qkv", 3 * d, d, c.qkvBias());
        if (c.qkNorm()) {
            norm(p + "q_norm", c.headDim());
            norm(p + "k_norm", c.headDim());
        }
        linear(p + "proj", d, d, c.projBias());
    }

    private void mlp(String p) {
        long d = c.dim();
        long f = c.mlpHidden();
        linear(p + "fc1", f, d, c.mlpBias());
        linear(p + "fc2", d, f, c.mlpBias());
        if (c.mlp() == MlpKind.SWIGLU) {
            linear(p + "fc3", f, d, c.mlpBias());
        }
    }

    private void linear(String p, long out, long in, boolean bias) {
        param(p + ".weight", Init.XAVIER, out, in);
        if (bias) {
            param(p + ".bias", Init.ZEROS, out);
        }
    }

    private void norm(String p, long width) {
        param(p + ".weight", Init.ONES, width);
        specs.add(new Spec(p + ".bias", new long[] {width}, c.normBias() ? Role.PARAMETER : Role.BUFFER, Init.ZEROS,
                null));
    }

    private void param(String name, Init init, long... shape) {
        specs.add(new Spec(name, shape, Role.PARAMETER, init, null));
    }
}
