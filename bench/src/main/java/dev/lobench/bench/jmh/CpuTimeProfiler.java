package dev.lobench.bench.jmh;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * JMH profiler: CPU time of the benchmark JVM (all its threads: the caller, the kernels' pool threads and libtorch's
 * OpenMP threads) per measured operation, as the secondary result {@value #NAME} in ms/op. Unlike the wall-clock
 * score it does not grow when other processes take the cores, so on a shared machine it is the comparable measure of
 * how much work a step is (it includes the JVM's own background threads, small after warm-up, and any busy-waiting).
 */
public final class CpuTimeProfiler implements InternalProfiler {
    public static final String NAME = "cpu.ms/op";

    private long cpuStart;

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuStart = cpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long ops = result.getMetadata().getMeasuredOps();
        double ms = (cpuNanos() - cpuStart) / 1e6;
        return ops <= 0 ? List.of() : List.of(new ScalarResult(NAME, ms / ops, "ms/op", AggregationPolicy.AVG));
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
