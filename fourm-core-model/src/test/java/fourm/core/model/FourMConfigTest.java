package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.model.testing.TestModalities;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Size presets, parameter counts, the reference config keys, and invalid configurations. */
class FourMConfigTest {

    private static FourMConfig preset(String name) {
        ModalityCatalog ref = TestModalities.reference();
        FourMConfig.Builder b = FourMConfig.builder().preset(name);
        for (String k : List.of("rgb@224", "tok_rgb@224", "caption", "t5_caption")) {
            b.modality(ref.find(k).orElseThrow(), true, !k.equals("rgb@224") && !k.equals("t5_caption"));
        }
        return b.build();
    }

    /** Blocks, norms, decoder_proj_context and mask_token: the reference README's parameter counts. */
    private static long coreParameters(FourMConfig c) {
        long n = 0;
        for (ParameterLayout.Spec s : ParameterLayout.of(c)) {
            if (s.role() == ParameterLayout.Role.PARAMETER && !s.isAlias()
                    && !s.name().startsWith("encoder_embeddings.") && !s.name().startsWith("decoder_embeddings.")) {
                n += s.numel();
            }
        }
        return n;
    }

    @Test
    void presetsHaveTheReferenceSizes() {
        FourMConfig base = preset("fm_base_12e_12d_swiglu_nobias");
        assertThat(base.dim()).isEqualTo(768);
        assertThat(base.mlpHidden()).isEqualTo(2048);
        assertThat(coreParameters(base)).isEqualTo(198_829_056L);
        FourMConfig large = preset("fm_large_24e_24d_swiglu_nobias");
        assertThat(large.mlpHidden()).isEqualTo(2730);
        assertThat(Math.round(coreParameters(large) / 1e5)).isEqualTo(7057);
        FourMConfig xl = preset("fm_xlarge_24e_24d_swiglu_nobias");
        assertThat(xl.mlpHidden()).isEqualTo(5461);
        assertThat(Math.round(coreParameters(xl) / 1e6)).isEqualTo(2823);
        FourMConfig tiny = preset("fm_tiny_6e_6d_gelu");
        assertThat(tiny.qkvBias()).isTrue();
        assertThat(tiny.mlp()).isEqualTo(MlpKind.GELU);
        assertThat(tiny.mlpHidden()).isEqualTo(1536);
        assertThat(preset("fm_large_24e_24d_swiglu_qknorm_nobias").qkNorm()).isTrue();
        assertThat(FourMConfig.Builder.presetNames()).hasSize(13).contains("fm_small_8e_8d_gelu");
        assertThatThrownBy(() -> FourMConfig.builder().preset("fm_tiny_6e_6d_swiglu_qknorm_nobias"))
                .hasMessageContaining("unknown preset").hasMessageContaining("fm_base_12e_12d_gelu");
    }

    @Test
    void referenceConfigRoundTripsThroughJsonInPythonStyle() {
        FourMConfig c = preset("fm_base_12e_12d_swiglu_nobias");
        String json = ReferenceConfig.toJson(c);
        assertThat(json).startsWith("{\"domains_in\": [\"rgb@224\", \"tok_rgb@224\", \"caption\", \"t5_caption\"], ")
                .contains("\"mlp_ratio\": 4.0, ", "\"act_layer\": \"SiLU\", \"gated_mlp\": true, ");
        FourMConfig back = ReferenceConfig.fromMap(ReferenceConfig.parseJson(json, "test"),
                TestModalities.reference(), "test");
        assertThat(back).isEqualTo(c);
    }

    @Test
    void referenceValuesAreCheckedWithClearMessages() {
        ModalityCatalog ref = TestModalities.reference();
        Map<String, Object> ok = Map.of("domains_in", "caption-tok_rgb@224", "domains_out", List.of("caption"),
                "dim", 64, "encoder_depth", 1, "decoder_depth", 1, "num_heads", 2);
        FourMConfig c = ReferenceConfig.fromMap(ok, ref, "cfg");
        assertThat(c.domainsIn()).containsExactly("caption", "tok_rgb@224");
        assertThat(c.mlp()).isEqualTo(MlpKind.GELU);
        assertThatThrownBy(() -> ReferenceConfig.fromMap(Map.of("domains_in", List.of("caption"),
                "domains_out", List.of("caption"), "dim", 64, "encoder_depth", 1, "decoder_depth", 1), ref, "cfg"))
                .hasMessage("cfg: config key 'num_heads' is missing; expected an integer");
        assertThatThrownBy(() -> ReferenceConfig.fromMap(Map.of("domains_in", List.of("caption"),
                "domains_out", List.of("caption"), "dim", "wide", "encoder_depth", 1, "decoder_depth", 1,
                "num_heads", 2), ref, "cfg")).hasMessageContaining("'dim' is 'wide'");
        assertThatThrownBy(() -> ReferenceConfig.fromMap(Map.of("domains_in", List.of("caption"),
                "domains_out", List.of("caption"), "dim", 64, "encoder_depth", 1, "decoder_depth", 1,
                "num_heads", 2, "act_layer", "ReLU"), ref, "cfg")).hasMessageContaining("act_layer 'ReLU'");
        assertThatThrownBy(() -> ReferenceConfig.fromMap(Map.of("domains_in", List.of("caption"),
                "domains_out", List.of("rgb@224"), "dim", 64, "encoder_depth", 1, "decoder_depth", 1,
                "num_heads", 2), ref, "cfg")).hasMessageContaining("only discrete modalities can be decoded");
        assertThatThrownBy(() -> ReferenceConfig.fromMap(Map.of("domains_in", List.of("caption"),
                "domains_out", List.of("caption"), "dim", 64, "encoder_depth", 1, "decoder_depth", 1,
                "num_heads", 2, "num_register_tokens", 4), ref, "cfg"))
                .hasMessageContaining("num_register_tokens = 4 is not supported");
        assertThatThrownBy(() -> FourMConfig.builder().dim(66).encoderDepth(1).decoderDepth(1).numHeads(4).build())
                .hasMessageContaining("dim 66");
    }

    @Test
    void releasedMetadataIsYamlWithNoneAsNull() {
        Map<String, Object> v = ReferenceConfig.parseReleasedMetadata(Map.of("a", "[x, 'y@2']", "b", "None",
                "c", "False", "d", "0.5", "e", "x".repeat(ReferenceConfig.MAX_YAML_LENGTH)), "f");
        assertThat(v.get("a")).isEqualTo(List.of("x", "y@2"));
        assertThat(v.get("b")).isNull();
        assertThat(v.get("c")).isEqualTo(false);
        assertThat(v.get("d")).isEqualTo(0.5);
        assertThat((String) v.get("e")).hasSize(ReferenceConfig.MAX_YAML_LENGTH);
        assertThatThrownBy(() -> ReferenceConfig.parseReleasedMetadata(Map.of("k", "[unclosed"), "f.safetensors"))
                .hasMessageContaining("f.safetensors: metadata 'k' is not valid YAML");
    }
}
