package dev.lobench.cli;

import dev.lobench.optimizers.learned.Arch;
import dev.lobench.optimizers.learned.Conformance;
import dev.lobench.optimizers.learned.LearnedOptimizer;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Replay a gradient trace through a learned optimizer and write the parameters after every step,",
                "so that independent implementations can be compared.",
                "TRACE.json: {\"tensors\":[{\"name\":\"w\",\"shape\":[3,4],\"init\":[...row-major...]}],",
                "             \"steps\":[{\"loss\":0.7,\"grads\":{\"w\":[...]}}]}  (shapes as given, no layout mapping)",
                "OUT.json:   {\"optimizer\":\"star\",\"steps\":[{\"params\":{\"w\":[...]}}]}"})
final class ConformanceCommand implements Callable<Integer> {

    @Option(names = "--optimizer", required = true, description = "star, small-fc or velo-style.")
    String optimizer;

    @Option(names = "--weights", description = "Weights (.safetensors).")
    Path weights;

    @Option(names = "--theta-init", paramLabel = "SEED", description = "Use freshly initialised theta with this seed.")
    Long thetaInit;

    @Option(names = "--theta-json", paramLabel = "FILE", description = "Read theta from the JSON form.")
    Path thetaJson;

    @Option(names = "--dump-theta", paramLabel = "FILE", description = "Write the theta used as JSON (w_i as [fan_in][fan_out]).")
    Path dumpTheta;

    @Option(names = "--impl", defaultValue = "fused", description = "reference or fused (default).")
    String impl;

    @Option(names = "--wd", defaultValue = "0", description = "star's optional contraction factor (default 0).")
    float wd;

    @Option(names = "--num-steps", defaultValue = "0",
            description = "velo-style: planned run length for its fraction-of-training features (default: the trace's steps).")
    long numSteps;

    @Option(names = "--lstm", defaultValue = "32", description = "velo-style with --theta-init: LSTM width (default 32).")
    int lstm;

    @Option(names = "--bank", defaultValue = "16", description = "velo-style with --theta-init: bank size (default 16).")
    int bank;

    @Option(names = "--trace", required = true, description = "TRACE.json")
    Path trace;

    @Option(names = {"-o", "--out"}, required = true, description = "OUT.json")
    Path out;

    @Override
    public Integer call() {
        java.util.List<Path> ins = new java.util.ArrayList<>(java.util.Arrays.asList(trace, weights, thetaJson));
        OutputGuard.check("--out", out, OutputGuard.Kind.OTHER, ins);
        ins.add(out);
        OutputGuard.check("--dump-theta", dumpTheta, OutputGuard.Kind.OTHER, ins);
        if ("velo-style".equals(optimizer)) {
            int sources = (weights != null ? 1 : 0) + (thetaInit != null ? 1 : 0) + (thetaJson != null ? 1 : 0);
            if (sources > 1) {
                throw new UserError("give at most one of --weights, --theta-init, --theta-json");
            }
            if (!Files.isRegularFile(trace)) {
                throw new UserError("trace file not found: " + trace);
            }
            if (numSteps < 0) {
                throw new UserError("--num-steps must be >= 1 (or 0 = the trace's number of steps), got " + numSteps);
            }
            Conformance.runVelo(trace, out, weights, thetaJson, thetaInit == null ? 0L : thetaInit, lstm, bank,
                    numSteps, dumpTheta);
            System.out.println("wrote " + out);
            return 0;
        }
        Arch arch = Arch.parse(optimizer);
        int sources = (weights != null ? 1 : 0) + (thetaInit != null ? 1 : 0) + (thetaJson != null ? 1 : 0);
        if (sources > 1) {
            throw new UserError("give at most one of --weights, --theta-init, --theta-json");
        }
        if (!Files.isRegularFile(trace)) {
            throw new UserError("trace file not found: " + trace);
        }
        Conformance.Options o = new Conformance.Options(arch, LearnedOptimizer.Impl.parse(impl), weights, thetaJson,
                thetaInit == null ? 0L : thetaInit, dumpTheta, wd);
        Conformance.run(trace, out, o);
        System.out.println("wrote " + out);
        return 0;
    }
}
