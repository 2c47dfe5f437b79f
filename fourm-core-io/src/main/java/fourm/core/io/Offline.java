package fourm.core.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch that keeps DJL off the network. DJL's {@code Engine} contacts a cloud metadata address and a telemetry URL
 * unless offline mode and tracking opt-out are set (system properties {@code ai.djl.offline=true} and
 * {@code OPT_OUT_TRACKING=true}, or environment variables {@code DJL_OFFLINE=true} and {@code OPT_OUT_TRACKING=true}).
 *
 * <p>Library code never flips this JVM-wide switch behind the caller's back: it belongs to whoever starts the JVM.
 * fourm's launchers do it first thing (the CLI's {@code Main}, fourm-bench's {@code BenchMain} and benchmarks, the
 * example plugin's training {@code main}); the build's test configuration (surefire), {@code .ci/run} and the
 * {@code bin/} scripts set the properties and environment variables. An application that embeds fourm calls
 * {@link #enforce()} itself before any DJL class loads, or passes {@code -Dai.djl.offline=true
 * -DOPT_OUT_TRACKING=true}. The default engine ({@code fourm.core.model.DjlModelEngine}) logs a warning once when it is used with the
 * switch off.
 */
public final class Offline {
    private static volatile boolean warned;

    private Offline() {
    }

    /**
     * Sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true}; for launchers (a {@code main}), before any
     * DJL class loads. Idempotent, cheap.
     */
    public static void enforce() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * Whether DJL is kept offline, by system property or environment variable.
     *
     * @return true when both offline mode and tracking opt-out are set
     */
    public static boolean isEnforced() {
        return on("ai.djl.offline", "DJL_OFFLINE") && on("OPT_OUT_TRACKING", "OPT_OUT_TRACKING");
    }

    /** Logs a warning, once per JVM, if DJL is not kept offline (the launcher did not call {@link #enforce()}). */
    public static void warnIfNotEnforced() {
        if (!warned && !isEnforced()) {
            warned = true;
            // The logger is looked up here, not in a static field: a launcher calls enforce() before it configures
            // its SLF4J backend, and looking a logger up would initialise the backend with its defaults.
            Logger log = LoggerFactory.getLogger(Offline.class);
            log.warn("DJL is not kept offline: set -Dai.djl.offline=true -DOPT_OUT_TRACKING=true (or DJL_OFFLINE=true"
                    + " and OPT_OUT_TRACKING=true) or call fourm.core.io.Offline.enforce() before the engine loads");
        }
    }

    private static boolean on(String property, String env) {
        return "true".equalsIgnoreCase(System.getProperty(property)) || "true".equalsIgnoreCase(System.getenv(env));
    }
}
