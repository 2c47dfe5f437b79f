package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.gson.JsonObject;
import com.typesafe.config.ConfigException;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.TokenizerInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The pieces of the CLI that need no child JVM: JSON and table rendering, error classification, exit codes. */
class InProcessTest {

    @Test
    void jsonOfAContinuousModalityHasNullVocabularyAndGeneration() {
        ModalitySpec spec = ModalitySpec.builder("t5_caption", ModalityKind.EMBEDDING_SEQUENCE)
                .setMaxTokens(77).optValueDim(4096).setPositional(PositionalScheme.SINCOS_1D)
                .setEncoder(true).setDecoder(false).setMasking(MaskingPolicy.SPAN).build();
        JsonObject o = new ModalityListing(spec, TokenizerInfo.of(TokenizerInfo.CONTINUOUS),
                Optional.of("fourm.modality.t5.caption"), "module x", true).toJson();

        assertThat(o.get("vocabSize").isJsonNull()).isTrue();
        assertThat(o.get("generation").isJsonNull()).isTrue();
        assertThat(o.get("imageSize").isJsonNull()).isTrue();
        assertThat(o.get("maxTokens").getAsInt()).isEqualTo(77);
        assertThat(o.get("valueDim").getAsInt()).isEqualTo(4096);
        assertThat(o.get("kind").getAsString()).isEqualTo("embedding-sequence");
        assertThat(o.get("masking").getAsString()).isEqualTo("span");
        assertThat(o.get("modalityId").getAsInt()).isEqualTo(28551);
        assertThat(o.get("module").getAsString()).isEqualTo("fourm.modality.t5.caption");
        assertThat(o.getAsJsonObject("tokenizer").get("type").getAsString()).isEqualTo("continuous");
        assertThat(o.getAsJsonObject("tokenizer").get("checkpoint").isJsonNull()).isTrue();
    }

    @Test
    void jsonOfATargetModalityCarriesItsGenerationDefaults() {
        ModalitySpec spec = ModalitySpec.builder("tok_rgb@224", ModalityKind.IMAGE_TOKENS)
                .optVocabSize(16384).optImageSize(224).optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D)
                .setEncoder(true).setDecoder(true).setMasking(MaskingPolicy.RANDOM_TOKENS)
                .optGeneration(new DecoderStrategy(GenerationScheme.ROAR, 25, 3.0, "onex:0.5:0.5", 2.0, 0.8))
                .build();
        ModalityListing listing = new ModalityListing(spec,
                TokenizerInfo.of("vq-vae", Optional.of("/models/rgb-vq.safetensors")), Optional.empty(),
                "file:/x/rgb.jar", false);
        JsonObject o = listing.toJson();

        JsonObject g = o.getAsJsonObject("generation");
        assertThat(g.get("scheme").getAsString()).isEqualTo("roar");
        assertThat(g.get("steps").getAsInt()).isEqualTo(25);
        assertThat(g.get("temperature").getAsDouble()).isEqualTo(3.0);
        assertThat(g.get("temperatureSchedule").getAsString()).isEqualTo("onex:0.5:0.5");
        assertThat(g.get("cfgScale").getAsDouble()).isEqualTo(2.0);
        assertThat(g.get("topP").getAsDouble()).isEqualTo(0.8);
        assertThat(o.get("maxTokens").getAsInt()).isEqualTo(196);
        assertThat(o.get("module").isJsonNull()).as("class-path provider: no module").isTrue();
        assertThat(o.get("origin").getAsString()).isEqualTo("file:/x/rgb.jar");
        assertThat(o.get("enabled").getAsBoolean()).isFalse();
        JsonObject t = o.getAsJsonObject("tokenizer");
        assertThat(t.get("type").getAsString()).isEqualTo("vq-vae");
        assertThat(t.get("checkpoint").getAsString()).isEqualTo("/models/rgb-vq.safetensors");
        assertThat(t.keySet()).containsExactlyInAnyOrder("type", "checkpoint");
        assertThat(listing.row()).containsExactly("tok_rgb@224", "image-tokens", "vq-vae", "16384", "196", "sincos-2d",
                "enc+dec", "roar 25 steps t=3.0 cfg=2.0 top-p=0.8", "file:/x/rgb.jar (disabled)");
    }

    @Test
    void tablesAlignColumnsAndRefuseRaggedRows() {
        StringWriter s = new StringWriter();
        Tables.print(new PrintWriter(s, true), List.of(List.of("KEY", "VOCAB"), List.of("caption", "30000")));
        assertThat(s.toString().lines()).containsExactly("KEY      VOCAB", "caption  30000");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Tables.print(new PrintWriter(new StringWriter()),
                        List.of(List.of("a", "b"), List.of("c"))))
                .withMessageContaining("1 cells, expected 2");
    }

    @Test
    void configExceptionsAreUserErrorsAndOtherExceptionsAreNot() {
        ConfigException ce = new ConfigException.Missing("fourm.experiment.modalities");
        assertThat(UserError.classify(ce)).isNotNull().hasMessageContaining("fourm.experiment.modalities")
                .hasCause(ce);
        UserError u = new UserError("bad");
        assertThat(UserError.classify(u)).isSameAs(u);
        assertThat(UserError.classify(new NullPointerException())).isNull();
    }

    @Test
    void exitCodesFollowTheContract() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("--version"))
                .isEqualTo(Main.OK);
        assertThat(out.toString()).startsWith("fourm ");

        err.getBuffer().setLength(0);
        assertThat(Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute())
                .isEqualTo(Main.USER_ERROR);
        assertThat(err.toString()).contains("Missing command", "modalities", "config", "doctor");

        err.getBuffer().setLength(0);
        assertThat(Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("train"))
                .isEqualTo(Main.USER_ERROR);
        assertThat(err.toString()).contains("train");
    }

    @Test
    void everySubcommandTakesHelp() {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true));
        for (String name : cl.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(name, "--help");
            assertThat(code).as("fourm %s --help: %s", name, err).isEqualTo(Main.OK);
            assertThat(out.toString()).as("fourm %s --help", name).contains("Usage: fourm " + name);
        }
    }
}
