package fourm.core.train;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.Optional;

/** The version of fourm-core, for provenance: from its module descriptor (on the module path or the class path). */
final class FourmVersion {
    private FourmVersion() {
    }

    /** The version, or {@code unknown}. */
    static String get() {
        Module module = FourmVersion.class.getModule();
        if (module.isNamed() && module.getDescriptor() != null) {
            Optional<String> v = module.getDescriptor().rawVersion();
            if (v.isPresent()) {
                return v.get();
            }
        }
        try (InputStream in = FourmVersion.class.getResourceAsStream("/module-info.class")) {
            if (in != null) {
                ModuleDescriptor d = ModuleDescriptor.read(in);
                if (d.name().equals("fourm.core") && d.rawVersion().isPresent()) {
                    return d.rawVersion().get();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }
}
