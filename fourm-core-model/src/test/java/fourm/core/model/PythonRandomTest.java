package fourm.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Python's random, checked against values printed by CPython 3. */
class PythonRandomTest {

    @Test
    void rawBitsMatchCPython() {
        PythonRandom r = new PythonRandom(7);
        assertThat(List.of(r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)))
                .containsExactly(1390851128L, 4071050724L, 647892279L);
        PythonRandom big = new PythonRandom((1L << 40) + 5);
        assertThat(List.of(big.getrandbits(32), big.getrandbits(32))).containsExactly(2166296868L, 2220160828L);
    }

    @Test
    void sampleMatchesCPython() {
        assertThat(new PythonRandom(1234).sample(List.of("caption", "tok_depth@224", "tok_rgb@224"), 3))
                .containsExactly("tok_depth@224", "caption", "tok_rgb@224");
        List<Integer> thirty = new ArrayList<>(IntStream.range(0, 30).boxed().toList());
        assertThat(new PythonRandom(0).sample(thirty, 30)).containsExactly(27, 12, 24, 13, 1, 8, 16, 15, 28, 9,
                22, 11, 6, 23, 4, 19, 2, 21, 25, 20, 14, 29, 26, 7, 0, 5, 17, 18, 10, 3);
        assertThat(new PythonRandom(-3).sample(List.of("a", "b", "c", "d", "e", "f", "g", "h"), 8))
                .containsExactly("d", "e", "g", "b", "c", "h", "f", "a");
    }

    @Test
    void defaultForwardOrderIsTheGoldenOrder() {
        assertThat(FourMModel.shuffled(List.of("caption", "tok_depth@224", "tok_rgb@224"),
                ForwardOptions.DEFAULT_SHUFFLE_SEED)).containsExactly("tok_depth@224", "caption", "tok_rgb@224");
    }
}
