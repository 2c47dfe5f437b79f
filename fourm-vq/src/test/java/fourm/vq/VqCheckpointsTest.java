package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.CheckpointException;
import fourm.vq.testing.TinyConfigs;
import fourm.vq.values.ImageValueKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VqCheckpointsTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointRoundTripsBitForBit() throws IOException {
        Path file = dir.resolve("rgb.safetensors");
        List<Raster> images = ImageTokenizerTest.rgbImages(3);
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 9)) {
            VqCheckpoints.save(model, file, Map.of("step", "12"));
            List<TokenGrid> tokens = ImageTokenizer.of(model).encode(images);
            try (VqModel back = VqCheckpoints.load(file)) {
                assertThat(back.config()).isEqualTo(model.config());
                assertThat(back.stateDictKeys()).isEqualTo(model.stateDictKeys());
                for (String k : model.stateDictKeys()) {
                    assertThat(back.tensor(k).toFloatArray()).as(k).isEqualTo(model.tensor(k).toFloatArray());
                }
                assertThat(ImageTokenizer.of(back).encode(images)).isEqualTo(tokens);
                Path again = dir.resolve("again.safetensors");
                VqCheckpoints.save(back, again, Map.of("step", "12"));
                assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(file));
            }
        }
        assertThat(VqCheckpoints.metadata(file)).containsEntry("step", "12").containsEntry("format", "fourm-vq");
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("rgb.safetensors", "again.safetensors");
    }

    @Test
    void keysFollowTheReferenceStateDict() {
        try (VqModel model = VqModel.create(TinyConfigs.semseg(), 1)) {
            assertThat(model.stateDictKeys()).containsExactlyInAnyOrder(
                    "cls_emb.weight",
                    "encoder.pos_emb", "encoder.proj.weight", "encoder.proj.bias",
                    "encoder.blocks.0.norm1.weight", "encoder.blocks.0.norm1.bias",
                    "encoder.blocks.0.norm2.weight", "encoder.blocks.0.norm2.bias",
                    "encoder.blocks.0.attn.qkv.weight", "encoder.blocks.0.attn.qkv.bias",
                    "encoder.blocks.0.attn.proj.weight", "encoder.blocks.0.attn.proj.bias",
                    "encoder.blocks.0.mlp.fc1.weight", "encoder.blocks.0.mlp.fc1.bias",
                    "encoder.blocks.0.mlp.fc2.weight", "encoder.blocks.0.mlp.fc2.bias",
                    "encoder.norm_mlp.weight", "encoder.norm_mlp.bias",
                    "encoder.post_mlp.fc1.weight", "encoder.post_mlp.fc1.bias",
                    "encoder.post_mlp.fc2.weight", "encoder.post_mlp.fc2.bias",
                    "quant_proj.weight", "quant_proj.bias",
                    "quantize._codebook.initted", "quantize._codebook.cluster_size", "quantize._codebook.embed",
                    "decoder.pos_emb",
                    "decoder.blocks.0.norm1.weight", "decoder.blocks.0.norm1.bias",
                    "decoder.blocks.0.norm2.weight", "decoder.blocks.0.norm2.bias",
                    "decoder.blocks.0.attn.qkv.weight", "decoder.blocks.0.attn.qkv.bias",
                    "decoder.blocks.0.attn.proj.weight", "decoder.blocks.0.attn.proj.bias",
                    "decoder.blocks.0.mlp.fc1.weight", "decoder.blocks.0.mlp.fc1.bias",
                    "decoder.blocks.0.mlp.fc2.weight", "decoder.blocks.0.mlp.fc2.bias",
                    "decoder.norm_mlp.weight", "decoder.norm_mlp.bias",
                    "decoder.post_mlp.fc1.weight", "decoder.post_mlp.fc1.bias",
                    "decoder.post_mlp.fc2.weight", "decoder.post_mlp.fc2.bias",
                    "decoder.out_proj.weight", "decoder.out_proj.bias",
                    "post_quant_proj.weight", "post_quant_proj.bias");
            assertThat(model.tensor("cls_emb.weight").getShape().getShape()).containsExactly(5, 8);
            assertThat(model.tensor("encoder.proj.weight").getShape().getShape()).containsExactly(32, 8, 8, 8);
            assertThat(model.tensor("encoder.pos_emb").getShape().getShape()).containsExactly(1, 32, 4, 4);
            assertThat(model.tensor("quant_proj.weight").getShape().getShape()).containsExactly(8, 32, 1, 1);
            assertThat(model.tensor("quantize._codebook.embed").getShape().getShape()).containsExactly(32, 8);
            assertThat(model.tensor("decoder.out_proj.weight").getShape().getShape()).containsExactly(5 * 64, 32);
            assertThat(model.tensor("post_quant_proj.weight").getShape().getShape()).containsExactly(32, 8, 1, 1);
            assertThat(model.isBuffer("quantize._codebook.embed")).isTrue();
            assertThat(model.trainableParameters()).doesNotContainKeys("encoder.pos_emb", "quantize._codebook.embed");
        }
        try (VqModel model = VqModel.create(TinyConfigs.global(32), 1)) {
            assertThat(model.stateDictKeys()).contains("encoder.linear_in.weight", "encoder.blocks.0.block.0.weight",
                    "encoder.blocks.0.block.2.weight", "encoder.layernorms.0.weight", "encoder.linear_out.weight",
                    "quantize.codes", "quantize.to_k.weight", "quantize.to_v.weight", "decoder.linear_out.bias");
            assertThat(model.tensor("quantize.codes").getShape().getShape()).containsExactly(4, 64, 8);
            assertThat(model.tensor("quantize.to_v.weight").getShape().getShape()).containsExactly(4, 8, 8);
        }
    }

    @Test
    void loadingIsStrictAndSaysWhatIsWrong() throws IOException {
        Path file = dir.resolve("rgb.safetensors");
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 9)) {
            VqCheckpoints.save(model, file, Map.of());
        }
        VqConfig wider = TinyConfigs.vit("rgb", 32, 3, 8, "quantizer.codebook-size = 64");
        assertThatThrownBy(() -> VqCheckpoints.load(file, wider, VqCheckpoints.Scope.FULL))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("shape mismatch: quantize._codebook.embed: file [32, 8], model [64, 8]");
        VqConfig deeper = VqConfig.fromConfig("rgb", com.typesafe.config.ConfigFactory.parseString(
                "family = rgb, image-size = 32, channels = 3, patch-size = 8, post-mlp = true, "
                        + "encoder { type = vit, dim = 32, depth = 2, heads = 2 }, "
                        + "decoder { type = vit, dim = 32, depth = 1, heads = 2 }, "
                        + "quantizer { type = lucid, codebook-size = 32, latent-dim = 8 }"));
        assertThatThrownBy(() -> VqCheckpoints.load(file, deeper, VqCheckpoints.Scope.FULL))
                .hasMessageContaining("missing: encoder.blocks.1.attn.qkv.weight [96, 32]");
        Path plain = dir.resolve("plain.safetensors");
        new SafetensorsWriter().addFloats("x", new long[] {1}, new float[] {1}).write(plain);
        assertThatThrownBy(() -> VqCheckpoints.load(plain)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no 'fourm_vq_config' entry");
    }

    @Test
    void encoderOnlyLoadingIgnoresTheDecoder() throws IOException {
        Path full = dir.resolve("full.safetensors");
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 9)) {
            VqCheckpoints.save(model, full, Map.of());
        }
        Path encoderOnly = dir.resolve("encoder.safetensors");
        try (SafetensorsReader r = SafetensorsReader.open(full)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String k : r.keys()) {
                if (!k.startsWith("decoder.") && !k.startsWith("post_quant_proj.")) {
                    w.addFloats(k, r.info(k).shape(), r.floats(k));
                }
            }
            w.putMetadata(r.metadata());
            w.write(encoderOnly);
        }
        assertThatThrownBy(() -> VqCheckpoints.load(encoderOnly))
                .hasMessageContaining("missing: decoder.out_proj.weight");
        List<Raster> images = ImageTokenizerTest.rgbImages(2);
        try (ImageTokenizer enc = ImageTokenizer.load(encoderOnly, TinyConfigs.rgb(), VqCheckpoints.Scope.ENCODER_ONLY);
             ImageTokenizer all = ImageTokenizer.load(full, TinyConfigs.rgb(), VqCheckpoints.Scope.ENCODER_ONLY);
             ImageTokenizer both = ImageTokenizer.load(full)) {
            assertThat(enc.canDecode()).isFalse();
            assertThat(enc.encode(images)).isEqualTo(both.encode(images)).isEqualTo(all.encode(images));
            assertThatThrownBy(() -> enc.decode(enc.encode(images))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("encode only");
        }
    }

    @Test
    void aModalityTokenizerChecksTheCheckpointsValues() throws IOException {
        Path file = dir.resolve("rgb.safetensors");
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 9)) {
            VqCheckpoints.save(model, file, Map.of());
        }
        try (ModalityImageTokenizer t = ModalityImageTokenizer.load("tok_rgb@32", file, ImageValueKit.rgb())) {
            assertThat(t.encode(ImageTokenizerTest.rgbImages(1).get(0))).hasSize(16);
            assertThat(t.valueType()).isEqualTo(Raster.class);
            assertThat(t.info().type()).isEqualTo("vq-vae");
            assertThat(t.info().checkpoint()).contains(file.toString());
        }
        assertThatThrownBy(() -> ModalityImageTokenizer.load("tok_depth@224", file, ImageValueKit.depth()))
                .hasMessageContaining("a rgb tokenizer cannot serve tok_depth@224, whose values are depth");
    }
}
