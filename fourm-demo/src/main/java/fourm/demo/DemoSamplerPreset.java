package fourm.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.Modality;
import fourm.core.generate.sampler.SamplerPreset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code demo} preset of {@code fourm generate --preset demo}: {@link DemoPreset} on the settings of
 * {@code fourm.demo} in the resolved configuration.
 */
public final class DemoSamplerPreset implements SamplerPreset {

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String description() {
        return "the demo's small 4M on the 64 px synthetic world (rgb, depth, normal, semseg, caption, det)";
    }

    @Override
    public Opened open(Config config, Path weightsDir) throws IOException {
        DemoSettings s;
        try {
            s = DemoSettings.from(config);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        DemoPreset p = DemoPreset.open(s, weightsDir);
        return new Opened() {
            @Override
            public Path modelFile() {
                return p.modelFile();
            }

            @Override
            public Map<String, Modality> modalities() {
                return p.modalities();
            }

            @Override
            public List<String> classNames() {
                return DemoPreset.classNames();
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }
}
