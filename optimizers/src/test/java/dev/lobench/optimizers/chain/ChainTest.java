package dev.lobench.optimizers.chain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.Hyperparams;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChainTest {
    private static final int STEPS = 500;
    private static final Task QUAD = TaskRegistry.fromParameters("quadratic", Map.of("dim", 30, "kappa", 50));

    /** The chain of a one-optimizer spec text, built as the registry builds it (declared parameters, user args). */
    private static Optimizer chain(String yaml, Map<String, String> args, long runSteps) {
        ChainSpecFile.Spec s = ChainSpecFile.parse(yaml, "test.yaml").get(0);
        return ChainSpecFile.build(s, new Hyperparams(s.name(), ChainSpecFile.declared(s), args, runSteps));
    }

    /** Trains the quadratic for STEPS steps; returns the losses, then the final parameters. */
    private static List<float[]> train(Optimizer opt) {
        try (NDManager m = NDManager.newBaseManager();
                TaskInstance inst = QUAD.instantiate(m, 5, DataContext.defaults())) {
            List<Param> params = inst.params();
            float[] losses = new float[STEPS];
            try (OptState st = opt.init(params)) {
                for (int t = 0; t < STEPS; t++) {
                    losses[t] = inst.trainStep();
                    List<NDArray> g = inst.grads();
                    opt.update(params, g, losses[t], t, st);
                }
            }
            List<float[]> out = new ArrayList<>();
            out.add(losses);
            for (Param p : params) {
                out.add(p.array().toFloatArray());
            }
            return out;
        }
    }

    private static void assertSameRun(String builtin, Optimizer composed) {
        List<float[]> a = train(OptimizerRegistry.create(builtin, STEPS));
        List<float[]> b = train(composed);
        float[] la = a.get(0);
        assertTrue(la[STEPS - 1] < 0.5 * la[0], builtin + " trains: " + la[0] + " -> " + la[STEPS - 1]);
        for (int t = 0; t < STEPS; t++) {
            assertEquals(la[t], b.get(0)[t], 1e-6 * Math.abs(la[t]), builtin + ": loss at step " + t);
        }
        for (int k = 1; k < a.size(); k++) {
            double rel = dev.lobench.optimizers.RelativeError.l2(a.get(k), b.get(k));
            assertTrue(rel <= 1e-6, builtin + ": tensor " + k + " relative L2 difference " + rel);
        }
    }

    @Test
    void adamAsAChainMatchesAdamOver500Steps() {
        assertSameRun("adam:lr=0.01", chain("name: a\nchain: [scale_by_adam, scale_by_learning_rate: 0.01]",
                Map.of(), STEPS));
        assertSameRun("adam:lr=0.01,wd=0.1,beta1=0.8", chain("name: a\nchain: [add_decayed_weights: 0.1, "
                + "scale_by_adam: {b1: 0.8}, scale_by_learning_rate: 0.01]", Map.of(), STEPS));
    }

    @Test
    void adamwWithCosineAndWarmupAsAChainMatchesAdamwOver500Steps() {
        assertSameRun("adamw:lr=0.02,wd=0.1,schedule=cosine,warmup=20", chain("name: w\nchain:\n"
                + "  - scale_by_adam: {b1: 0.9, b2: 0.999, eps: 1.0e-8}\n"
                + "  - add_decayed_weights: 0.1\n"
                + "  - scale_by_schedule: {schedule: cosine, warmup: 20}\n"
                + "  - scale_by_learning_rate: 0.005\n", Map.of("lr", "0.02"), STEPS));
    }

    @Test
    void sgdMomentumAsAChainMatchesSgdm() {
        assertSameRun("sgdm:lr=0.02,momentum=0.9", chain("name: m\nchain: [trace: 0.9, scale: -0.02]", Map.of(),
                STEPS));
    }

    @Test
    void clipByGlobalNormByHand() {
        // u = g = [3, 4] (norm 5) -> clipped to norm 2: [1.2, 1.6]; scale -0.5: p += [-0.6, -0.8]
        Optimizer opt = chain("name: c\nchain: [clip_by_global_norm: 2.0, scale: -0.5]", Map.of(), 0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1f, 1f});
            List<Param> params = List.of(new Param("w", p));
            try (OptState st = opt.init(params)) {
                opt.update(params, List.of(m.create(new float[] {3f, 4f})), 1f, 0, st);
                assertArrayEquals(new float[] {0.4f, 0.2f}, p.toFloatArray(), 1e-6f);
                // under the limit nothing is clipped: [0.3, 0.4] * -0.5
                opt.update(params, List.of(m.create(new float[] {0.3f, 0.4f})), 1f, 1, st);
                assertArrayEquals(new float[] {0.25f, 0.0f}, p.toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void specFilesRegisterOptimizersWithLrAndATunedGrid(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("opts.yaml");
        Files.writeString(f, "optimizers:\n"
                + "  - name: test-chain-adamw\n"
                + "    chain: [clip_by_global_norm: 1.0, scale_by_adam, add_decayed_weights: 0.01,\n"
                + "            scale_by_schedule: cosine, scale_by_learning_rate: 3.0e-4]\n"
                + "  - {name: test-chain-plain, chain: [scale: -0.1]}\n");
        assertEquals(List.of("test-chain-adamw", "test-chain-plain"), ChainSpecFile.load(List.of(f)));
        assertEquals(List.of(), ChainSpecFile.load(List.of(f)), "a file loaded before is skipped");
        Optimizer o = OptimizerRegistry.create("test-chain-adamw:lr=1e-3", 100);
        assertEquals("test-chain-adamw(lr=0.001)", o.name());
        assertTrue(o.identity().startsWith("test-chain-adamw(lr=0.001)#chain:"), o.identity());
        assertEquals("test-chain-adamw(lr=3e-4)", OptimizerRegistry.create("test-chain-adamw", 100).name());
        assertTrue(OptimizerRegistry.withLearningRate().contains("test-chain-adamw"));
        assertTrue(!OptimizerRegistry.withLearningRate().contains("test-chain-plain"), "no lr, no grid");
        assertEquals("optimizer spec opts.yaml", OptimizerRegistry.origin("test-chain-plain").orElseThrow());
        UserError e = assertThrows(UserError.class, () -> OptimizerRegistry.create("test-chain-adamw", 0));
        assertTrue(e.getMessage().contains("needs the total number of steps"), e.getMessage());
    }

    @Test
    void editedChainsHaveAnotherIdentity() {
        Optimizer a = chain("name: x\nchain: [scale_by_adam: {b1: 0.9}, scale: -0.1]", Map.of(), 0);
        Optimizer b = chain("name: x\nchain: [scale_by_adam: {b1: 0.8}, scale: -0.1]", Map.of(), 0);
        assertEquals(a.name(), b.name());
        assertNotEquals(a.identity(), b.identity());
    }

    @Test
    void errorsNameTheFileTheOptimizerAndTheTransform() {
        UserError e = assertThrows(UserError.class,
                () -> ChainSpecFile.parse("name: x\nchain: [scale_by_adamm]", "f.yaml"));
        assertTrue(e.getMessage().startsWith("f.yaml (x): chain[0]: ") && e.getMessage().contains("scale_by_adam"),
                e.getMessage());
        e = assertThrows(UserError.class,
                () -> ChainSpecFile.parse("name: x\nchain: [scale_by_adam: {b1: 1.5}]", "f.yaml"));
        assertTrue(e.getMessage().contains("scale_by_adam: b1 must be a number in [0, 1), got '1.5'"), e.getMessage());
        e = assertThrows(UserError.class,
                () -> ChainSpecFile.parse("name: x\nchain: [scale_by_adam: {beta1: 0.9}]", "f.yaml"));
        assertTrue(e.getMessage().contains("argument 'beta1'"), e.getMessage());
        e = assertThrows(UserError.class, () -> ChainSpecFile.parse("chain: [scale: -1]", "f.yaml"));
        assertTrue(e.getMessage().contains("name: required"), e.getMessage());
        e = assertThrows(UserError.class, () -> ChainSpecFile.parse("name: x\nchain: [clip_by_global_norm]",
                "f.yaml"));
        assertTrue(e.getMessage().contains("clip_by_global_norm: give max_norm"), e.getMessage());
        e = assertThrows(UserError.class, () -> ChainSpecFile.parse("name: x\nchain: [scale_by_schedule: linear]",
                "f.yaml"));
        assertTrue(e.getMessage().contains("schedule must be one of constant, cosine"), e.getMessage());
        e = assertThrows(UserError.class, () -> ChainSpecFile.load(List.of(Path.of("no-such-file.yaml"))));
        assertTrue(e.getMessage().contains("file not found: no-such-file.yaml"), e.getMessage());
    }
}
