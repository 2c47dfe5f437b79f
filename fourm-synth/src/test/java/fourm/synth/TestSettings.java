package fourm.synth;

import com.typesafe.config.ConfigFactory;

/** Settings the tests share. */
final class TestSettings {
    private TestSettings() {
    }

    /** The defaults at {@code resolution}. */
    static SynthSettings at(int resolution) {
        return SynthSettings.defaults().withResolution(resolution);
    }

    /** The defaults with overrides in HOCON under fourm.synth, e.g. {@code "humans-probability = 1"}. */
    static SynthSettings with(String hocon) {
        return SynthSettings.from(ConfigFactory.parseString("fourm.synth { " + hocon + " }"));
    }
}
