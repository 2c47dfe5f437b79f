package fourm.teacher;

import com.typesafe.config.Config;

/**
 * {@code t5-caption:synthetic}: the {@link SyntheticTextTeacher}, a fixed stand-in for the T5-XXL encoder (at most 77
 * vectors of 4096 values per caption). Not T5. Settings under {@code fourm.teachers.t5-caption-synthetic}.
 */
public final class T5SyntheticProvider implements TextTeacherProvider {
    /** Constructed by the service loader. */
    public T5SyntheticProvider() {
    }

    @Override
    public String name() {
        return "t5-caption:synthetic";
    }

    @Override
    public String configPath() {
        return "fourm.teachers.t5-caption-synthetic";
    }

    @Override
    public TextTeacher open(Config node) {
        return SyntheticTextTeacher.fromConfig(name(), node);
    }
}
