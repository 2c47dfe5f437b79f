package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Token and temperature schedules against values computed with the reference's formulas (spec section 4.2). */
class SchedulesTest {

    @Test
    void cosineScheduleRoundsHalfToEvenAndPutsTheRemainderLast() {
        assertThat(TokenSchedule.COSINE.tokensPerStep(8, 196)).containsExactly(7, 21, 32, 38, 38, 32, 21, 7);
        assertThat(TokenSchedule.COSINE.tokensPerStep(8, 784)).containsExactly(30, 85, 127, 150, 150, 127, 85, 30);
        assertThat(TokenSchedule.COSINE.tokensPerStep(1, 10)).containsExactly(10);
    }

    @Test
    void linearScheduleIsDescendingAndTrimsTrailingZeros() {
        assertThat(TokenSchedule.LINEAR.tokensPerStep(8, 196)).containsExactly(25, 25, 25, 25, 24, 24, 24, 24);
        int[] s25 = TokenSchedule.LINEAR.tokensPerStep(25, 196);
        assertThat(s25).hasSize(25).startsWith(8, 8).endsWith(8, 7, 7, 7, 7);
        assertThat(TokenSchedule.LINEAR.tokensPerStep(5, 3)).containsExactly(1, 1, 1);
        assertThat(TokenSchedule.LINEAR.tokensPerStep(49, 196)).hasSize(49).containsOnly(4);
    }

    @Test
    void schedulesRejectBadArguments() {
        assertThatIllegalArgumentException().isThrownBy(() -> TokenSchedule.LINEAR.tokensPerStep(0, 5))
                .withMessageContaining("steps >= 1");
        assertThatIllegalArgumentException().isThrownBy(() -> TokenSchedule.fromConfigName("square"))
                .withMessageContaining("cosine or linear");
        assertThatIllegalArgumentException().isThrownBy(() -> TemperatureSchedule.parse("onex:0.5"))
                .withMessageContaining("onex:<min>:<power>");
    }

    @Test
    void constantAndLinearTemperatures() {
        assertThat(TemperatureSchedule.constant().temperatures(0.7, new int[] {3, 3, 2})).containsExactly(0.7, 0.7,
                0.7);
        int[] ts = TokenSchedule.LINEAR.tokensPerStep(4, 10);
        assertThat(TemperatureSchedule.linear().temperatures(2.0, ts))
                .containsExactly(new double[] {2.0, 1.4, 0.8, 0.4}, within(1e-12));
    }

    @Test
    void onexTemperaturesMatchTheReferenceFormula() {
        double[] t = TemperatureSchedule.parse("onex:0.5:0.5")
                .temperatures(3.0, TokenSchedule.LINEAR.tokensPerStep(8, 196));
        assertThat(t).containsExactly(new double[] {2.681122448979592, 1.9782314146468472, 1.536461597739193,
            1.2204851169165627, 0.9840939600086107, 0.7936119272593163, 0.635081670068907, 0.5}, within(1e-12));
        double[] t50 = TemperatureSchedule.onex(0.5, 0.5)
                .temperatures(5.0, TokenSchedule.LINEAR.tokensPerStep(50, 196));
        assertThat(t50).hasSize(50);
        assertThat(t50[0]).isCloseTo(4.908163265306122, within(1e-12));
        assertThat(t50[1]).isCloseTo(3.9262569227157056, within(1e-12));
        assertThat(t50[48]).isCloseTo(0.5075412682068933, within(1e-12));
        assertThat(t50[49]).isEqualTo(0.5);
    }

    @Test
    void topKParsesCountsAndFractions() {
        assertThat(TopK.parse(0).isOff()).isTrue();
        assertThat(TopK.parse(50).resolve(1000)).isEqualTo(50);
        assertThat(TopK.parse(0.1).resolve(1000)).isEqualTo(100);
        assertThat(TopK.parse(1.0).resolve(1000)).isEqualTo(1000);
        assertThat(TopK.fraction(1e-6).resolve(1000)).isEqualTo(1);
        assertThatIllegalArgumentException().isThrownBy(() -> TopK.parse(2.5)).withMessageContaining("whole count");
    }
}
