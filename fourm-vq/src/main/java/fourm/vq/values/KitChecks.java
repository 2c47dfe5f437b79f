package fourm.vq.values;

import fourm.vq.VqConfig;

/** Checks the kit's values share. */
final class KitChecks {
    private KitChecks() {
    }

    static void channels(VqConfig c, int expected) {
        if (c.channels() != expected) {
            throw new IllegalArgumentException(c.name() + ": " + c.values().name() + " has " + expected + " channel"
                    + (expected == 1 ? "" : "s") + ", got channels = " + c.channels());
        }
    }
}
