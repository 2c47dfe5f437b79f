package fourm.vq.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Freed engine memory full of NaN: for tests that an output or a gradient does not depend on what memory the engine
 * hands out again holds (a kernel that reads memory it did not initialise turns NaN).
 */
public final class FreedMemory {
    private FreedMemory() {
    }

    /**
     * Engine arrays of 1 Ki to 64 Ki floats (the sizes of small test networks' activations and convolution buffers)
     * filled with NaN and freed: the allocator hands that memory out again to the next arrays of those sizes.
     */
    public static void poison() {
        for (int rep = 0; rep < 2; rep++) {
            try (NDManager p = NDManager.newBaseManager()) {
                for (int n = 1024; n <= 65536; n += 512) {
                    p.full(new Shape(n), Float.NaN);
                }
            }
        }
    }
}
