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

    /** The process CPU time now, in nanoseconds. */
    static long now() {
        return OS.getProcessCpuTime();
    }

    /** Adds one operation that started at CPU time {@code start} (from {@link #now()}). */
    void add(long start) {
        cpuSeconds += (now() - start) / 1e9;
        ops++;
    }
}
