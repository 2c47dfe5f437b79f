package fourm.core.io;

/**
 * Keeps DJL off the network. DJL's {@code Engine} contacts a cloud metadata address and a telemetry URL unless offline
 * mode and tracking opt-out are set; this sets both as system properties. Call {@link #enforce()} before any DJL
 * engine class loads (the CLI's main class does it in its static initializer; every fourm entry point that reaches DJL
 * does it first). The launchers and the build also set the environment variables {@code DJL_OFFLINE=true} and
 * {@code OPT_OUT_TRACKING=true}.
 */
public final class Offline {
    private Offline() {
    }

    /** Sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true}. Idempotent, cheap. */
    public static void enforce() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }
}
