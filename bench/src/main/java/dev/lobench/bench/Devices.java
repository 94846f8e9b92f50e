package dev.lobench.bench;

import ai.djl.Device;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.LibUtils;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerSpec;
import dev.lobench.optimizers.learned.LearnedOptimizer;
import dev.lobench.optimizers.learned.LearnedOptimizers;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.runtime.Djl;

import java.util.List;

/**
 * The {@code --device cpu|gpu} option of {@code run} and {@code overhead}: which DJL device tensors live on, whether
 * the loaded libtorch can use a GPU, and which implementation a learned optimizer uses there.
 */
public final class Devices {
    /** Names accepted by {@code --device}. */
    public static final List<String> NAMES = List.of("cpu", "gpu");

    private Devices() {}

    /** Checks a {@code --device} value without loading the engine (UserError on anything but cpu or gpu). */
    public static String checkName(String name) {
        if (!NAMES.contains(name)) {
            throw new UserError("--device must be cpu or gpu, got '" + name + "'");
        }
        return name;
    }

    /**
     * The device for a name: cpu, or gpu = CUDA device 0. gpu needs a libtorch that reports CUDA (DJL's capability,
     * set when libtorch's {@code torch::cuda::is_available()} is true: a CUDA build and a visible GPU); otherwise a
     * UserError with the fix ({@code --libtorch DIR}).
     */
    public static Device of(String name) {
        if (checkName(name).equals("cpu")) {
            return Device.cpu();
        }
        if (!Djl.init().hasCapability(StandardCapabilities.CUDA)) {
            throw new UserError("--device gpu: the loaded libtorch (" + libtorchDescription() + ") has no CUDA "
                    + "support or sees no GPU; run with --libtorch DIR, the lib folder of a CUDA PyTorch install "
                    + "(see README 'GPU')");
        }
        return Device.gpu();
    }

    /** Where the loaded libtorch came from and its version, e.g. {@code 2.7.1 cpu at /root/.djl.ai/pytorch/...}. */
    public static String libtorchDescription() {
        Djl.init();
        String flavor = System.getenv("PYTORCH_FLAVOR");
        return Djl.libtorchVersion() + (flavor == null ? "" : " " + flavor) + " at " + libtorchPath();
    }

    /** The folder DJL loaded libtorch from (the bundled copy's cache folder, or {@code PYTORCH_LIBRARY_PATH}). */
    public static String libtorchPath() {
        Djl.init();
        try {
            return LibUtils.getLibtorchPath();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * The optimizer to run on {@code device}: on a GPU a learned optimizer whose spec leaves {@code impl} at auto runs
     * the NDArray reference implementation (the fused kernel is CPU-only); an explicit {@code impl=fused} is kept
     * (and refused by the kernel on a GPU tensor). Everything else is returned as it is.
     */
    public static Optimizer forDevice(String spec, Optimizer o, Device device) {
        return forDevice(o, device, () -> OptimizerSpec.parse(spec).args().getOrDefault("impl", "auto"));
    }

    /** {@link #forDevice(String, Optimizer, Device)} for a cell's typed spec (its {@code impl} parameter). */
    public static Optimizer forDevice(dev.lobench.optimizers.TypedOptimizerSpec spec, Optimizer o, Device device) {
        return forDevice(o, device, () -> String.valueOf(spec.params().getOrDefault("impl", "auto")));
    }

    private static Optimizer forDevice(Optimizer o, Device device, java.util.function.Supplier<String> implOfSpec) {
        if (device.isGpu() && o instanceof LearnedOptimizer lo && lo.impl() == LearnedOptimizer.Impl.FUSED) {
            String impl = implOfSpec.get();
            if (impl.equals("auto")) {
                return LearnedOptimizers.create(lo.theta(), LearnedOptimizer.Impl.REFERENCE, lo.weightDecay(), 0)
                        .named(lo.name());
            }
        }
        return o;
    }
}
