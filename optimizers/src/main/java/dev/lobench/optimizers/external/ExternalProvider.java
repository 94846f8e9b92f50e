package dev.lobench.optimizers.external;

import dev.lobench.optimizers.OptimizerProvider;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.UserError;

import java.util.LinkedHashMap;
import java.util.Map;

/** Registers {@code ext} (loaded by {@link java.util.ServiceLoader} through META-INF/services). */
public final class ExternalProvider implements OptimizerProvider {
    @Override
    public void registerOptimizers() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cmd", "");
        d.put("timeout", "60");
        d.put("init_timeout", "120");
        d.put("shm_min", "0");
        OptimizerRegistry.register("ext", "an optimizer in another process, any language: cmd=SHELL COMMAND "
                + "(started once per cell; protocol: docs/external-optimizer.md), timeout=seconds per step reply, "
                + "init_timeout=seconds for the handshake, shm_min=gradient bytes from which a client that asks for "
                + "the shared memory file gets it (0: always)",
                d, hp -> {
                    String cmd = hp.text("cmd");
                    if (cmd.isEmpty()) {
                        throw new UserError("optimizer 'ext': give the client's command, e.g. "
                                + "ext:cmd=python3 examples/ext-optimizer/adam.py");
                    }
                    double timeout = hp.positive("timeout");
                    double initTimeout = hp.positive("init_timeout");
                    long shmMin = hp.integer("shm_min", 0);
                    return new ExternalOptimizer(hp.canonicalName(), cmd, timeout, initTimeout, hp.runSteps(),
                            shmMin);
                });
    }
}
