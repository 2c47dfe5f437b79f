package fourm.bench;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time of the benchmark JVM spent in measured operations, reported by JMH as two secondary results per
 * iteration: {@code cpuSeconds} (process CPU time, all threads, summed over the operations) and {@code ops} (operations
 * counted). Their quotient is the CPU time of one operation, which other processes on the machine move much less than
 * its wall time (with OpenMP threads that sleep while waiting, see {@code bin/fourm-bench}); the report derives a
 * second ratio to GEMM from it.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Process CPU seconds spent inside the measured operations of this iteration. */
    public double cpuSeconds;
    /** Operations of this iteration. */
    public long ops;

    /** Starts each iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
        cpuSeconds = 0;
        ops = 0;
    }

    /** The process CPU time now, in nanoseconds (the operating system's figure, in clock ticks on Linux). */
    static long now() {
        return OS.getProcessCpuTime();
    }

    /**
     * The process CPU time now, in nanoseconds, to the nanosecond where Linux tells it: the sum of every thread's run
     * time in {@code /proc/self/task/<tid>/schedstat} (the engine's native threads included); elsewhere {@link #now()},
     * which counts in clock ticks of 10 ms, too coarse for one generation of a few hundred milliseconds. Reading the
     * files costs about a millisecond of CPU time.
     */
    static long preciseNow() {
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return now();
        }
        long sum = 0;
        for (java.io.File t : tasks) {
            try {
                String line = java.nio.file.Files.readString(t.toPath().resolve("schedstat"));
                int space = line.indexOf(' ');
                sum += Long.parseLong(space < 0 ? line.trim() : line.substring(0, space));
            } catch (java.io.IOException | NumberFormatException e) {
                // a thread that ended between the listing and the read: its time is no longer counted either way
            }
        }
        return sum;
    }

    /** Adds one operation that started at CPU time {@code start} (from {@link #now()}). */
    void add(long start) {
        cpuSeconds += (now() - start) / 1e9;
        ops++;
    }
}
