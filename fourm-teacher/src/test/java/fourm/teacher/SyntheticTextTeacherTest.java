package fourm.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Locale;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SyntheticTextTeacherTest {
    private static final Config NODE = ConfigFactory.defaultReference()
            .getConfig("fourm.teachers.t5-caption-synthetic");

    private static TextTeacher open() {
        TextTeacherProvider p = TextTeacherProvider.installed().stream()
                .filter(x -> x.name().equals("t5-caption:synthetic")).findFirst()
                .orElseThrow(() -> new AssertionError("t5-caption:synthetic is not installed"));
        assertThat(p.configPath()).isEqualTo("fourm.teachers.t5-caption-synthetic");
        return p.open(NODE);
    }

    @Test
    void captionsBecomeOneRowOfT5XxlWidthPerPiecePlusEndOfSequence() {
        try (TextTeacher t = open()) {
            assertThat(t.width()).isEqualTo(4096);
            assertThat(t.maxTokens()).isEqualTo(77);
            float[][] e = t.embed("A red car, parked outside.");
            // a, red, car, ",", parked, outside, ".", </s>
            assertThat(e).hasNumberOfRows(8);
            for (float[] row : e) {
                assertThat(row).hasSize(4096);
                assertThat(Math.sqrt(SyntheticImageTeacherTest.dot(row, row) / 4096)).isCloseTo(1.0,
                        Offset.offset(1e-3));
            }
            assertThat(t.embed("")).hasNumberOfRows(1);
            assertThat(t.embed("   ")).hasNumberOfRows(1);
        }
    }

    @Test
    void longCaptionsAreCutToMaxTokensEndingInEndOfSequence() {
        SyntheticTextTeacher t = SyntheticTextTeacher.fromConfig("t5", NODE);
        String text = "word ".repeat(200);
        assertThat(t.embed(text)).hasNumberOfRows(77);
        assertThat(t.pieces(text)).hasSize(77).endsWith(SyntheticTextTeacher.EOS);
        assertThat(t.pieces("word ".repeat(76))).hasSize(77);
        assertThat(t.pieces("word ".repeat(75))).hasSize(76);
    }

    @Test
    void theSplitIsLowerCaseWordsAndPunctuation() {
        assertThat(SyntheticTextTeacher.split("A Dog, running!  Café\t42x"))
                .containsExactly("a", "dog", ",", "running", "!", "café", "42x");
    }

    @Test
    void sameTextGivesIdenticalRowsAcrossInstances() {
        String caption = "two dogs play in the snow";
        float[][] a = open().embed(caption);
        float[][] b = open().embed(caption);
        assertThat(b).isDeepEqualTo(a);
        // Rows see two pieces either side: "the" sees "snow"/"sand", "two" (4 pieces before) does not.
        float[][] c = open().embed("two dogs play in the sand");
        assertThat(c[4]).isNotEqualTo(a[4]);
        assertThat(c[0]).containsExactly(a[0]);
    }

    /** Rows of a shared word are close when the neighbours are shared too, and unrelated words' rows are not. */
    @Test
    void sharedWordsGiveSimilarRows() {
        TextTeacher t = open();
        float[][] a = t.embed("a red car parked outside");
        float[][] b = t.embed("a red bus parked outside");
        float[][] c = t.embed("green trees under blue sky");
        double redRed = cosine(a[1], b[1]);
        double carBus = cosine(a[2], b[2]);
        double unrelated = cosine(a[1], c[1]);
        System.out.printf(Locale.ROOT, "cosine red/red %.3f, car/bus %.3f, red/trees %.3f%n", redRed, carBus,
                unrelated);
        assertThat(redRed).isGreaterThan(0.6);
        assertThat(carBus).isLessThan(redRed).isGreaterThan(0.1); // same neighbours, different centre
        assertThat(Math.abs(unrelated)).isLessThan(0.1);
        // The same word with the same two pieces either side, elsewhere in a caption, gives the same row.
        float[][] d = t.embed("look at a red car parked outside");
        assertThat(d[4]).containsExactly(a[2]);
    }

    @Test
    void aClosedTeacherRefuses() {
        TextTeacher t = open();
        t.close();
        assertThatThrownBy(() -> t.embed("a dog")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void badSettingsAreRefusedByKey() {
        assertThatThrownBy(() -> SyntheticTextTeacher.fromConfig("t5",
                NODE.withValue("width", ConfigValueFactory.fromAnyRef(-4096))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("width");
        assertThatThrownBy(() -> SyntheticTextTeacher.fromConfig("t5",
                NODE.withValue("max-tokens", ConfigValueFactory.fromAnyRef(0))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max-tokens");
        assertThatThrownBy(() -> SyntheticTextTeacher.fromConfig("t5",
                NODE.withValue("decay", ConfigValueFactory.fromAnyRef(1.5))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("decay");
        assertThatThrownBy(() -> SyntheticTextTeacher.fromConfig("t5",
                NODE.withValue("vocab", ConfigValueFactory.fromAnyRef("x"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vocab")
                .hasMessageContaining("unknown key");
    }

    private static double cosine(float[] a, float[] b) {
        return SyntheticImageTeacherTest.dot(a, b) / (SyntheticImageTeacherTest.norm(a)
                * SyntheticImageTeacherTest.norm(b));
    }
}
