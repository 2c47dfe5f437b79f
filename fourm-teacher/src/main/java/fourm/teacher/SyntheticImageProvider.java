package fourm.teacher;

import com.typesafe.config.Config;
import fourm.api.label.PseudoLabeler;
import fourm.api.label.PseudoLabelerProvider;

/** The common part of the synthetic image teachers' providers: read the node, build the network, wrap it. */
abstract class SyntheticImageProvider implements PseudoLabelerProvider {
    private final String name;
    private final String configPath;
    private final String modalityKey;
    private final boolean global;

    SyntheticImageProvider(String name, String configPath, String modalityKey, boolean global) {
        this.name = name;
        this.configPath = configPath;
        this.modalityKey = modalityKey;
        this.global = global;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String configPath() {
        return configPath;
    }

    /**
     * Builds the teacher from its node ({@link SyntheticImageTeacher#KEYS}); reads no file.
     *
     * @throws com.typesafe.config.ConfigException naming the key, if a setting is unknown, missing or invalid
     */
    @Override
    public final PseudoLabeler open(Config node) {
        return new SyntheticLabeler(name, modalityKey, SyntheticImageTeacher.fromConfig(node), global);
    }
}
