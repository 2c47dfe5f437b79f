package fourm.api;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parses the kebab-case configuration names of the API's enums, with an error that lists the accepted names. */
final class ConfigNames {
    private ConfigNames() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String name, Function<E, String> configName) {
        for (E e : type.getEnumConstants()) {
            if (configName.apply(e).equals(name)) {
                return e;
            }
        }
        String accepted = Arrays.stream(type.getEnumConstants()).map(configName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + name + "'; expected one of: "
                + accepted);
    }
}
