package dev.lobench.optimizers;

import dev.lobench.tasks.Names;

import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryTest {

    static String error(String spec) {
        return error(spec, 0);
    }

    static String error(String spec, long runSteps) {
        UserError e = assertThrows(UserError.class, () -> OptimizerRegistry.create(spec, runSteps), spec);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should contain '" + p + "'");
        }
    }

    @Test
    void builtInsWithDefaults() {
        assertEquals(List.of("sgd", "sgdm", "nesterov", "adam", "adamw"),
                OptimizerRegistry.names().subList(0, 5));
        Map<String, String> adam = OptimizerRegistry.entry("adam").defaults();
        assertEquals("0.001", adam.get("lr"));
        assertEquals("0.999", adam.get("beta2"));
        assertEquals("0.01", OptimizerRegistry.entry("adamw").defaults().get("wd"));
        assertEquals("0.1", OptimizerRegistry.entry("sgd").defaults().get("lr"));
        assertEquals("0.05", OptimizerRegistry.entry("sgdm").defaults().get("lr"));
        assertEquals("0.9", OptimizerRegistry.entry("nesterov").defaults().get("momentum"));
        for (OptimizerRegistry.Entry e : OptimizerRegistry.entries()) {
            assertFalse(e.description().isBlank(), e.name());
        }
    }

    @Test
    void defaultsReachTheOptimizers() {
        Adam adamw = assertInstanceOf(Adam.class, OptimizerRegistry.create("adamw"));
        assertEquals(1e-3, adamw.baseLr());
        assertEquals(0.01, adamw.weightDecay());
        assertTrue(adamw.decoupled());
        assertEquals(1e-8, adamw.eps());
        Sgd sgdm = assertInstanceOf(Sgd.class, OptimizerRegistry.create("sgdm:lr=0.1,momentum=0.8"));
        assertEquals(0.1, sgdm.baseLr());
        assertEquals(0.8, sgdm.momentum());
        assertFalse(sgdm.nesterov());
        Sgd nesterov = assertInstanceOf(Sgd.class, OptimizerRegistry.create("nesterov"));
        assertEquals(0.05, nesterov.baseLr());
        assertTrue(nesterov.nesterov());
    }

    @Test
    void canonicalNames() {
        assertEquals("adam(lr=0.001)", OptimizerRegistry.create("adam").name());
        assertEquals("adam(lr=0.003)", OptimizerRegistry.create("adam:lr=3e-3").name());
        assertEquals("adam(lr=0.001)", OptimizerRegistry.create("adam:beta1=0.90,lr=1e-3").name());
        assertEquals("sgdm(lr=0.1)", OptimizerRegistry.create("sgdm:lr=0.1,momentum=0.9").name());
        assertEquals("adam(lr=0.001,eps=1e-6)", OptimizerRegistry.create("adam:eps=0.000001").name());
        assertEquals("adamw(lr=0.001,schedule=cosine,warmup=100)",
                OptimizerRegistry.create("adamw:lr=1e-3,wd=0.01,schedule=cosine,warmup=100", 1000).name());
        assertEquals("sgd(lr=0.1,schedule=cosine,steps=50)",
                OptimizerRegistry.create("SGD:schedule=Cosine,steps=50").name());
        // the canonical form parses back to itself
        String c = OptimizerRegistry.create("sgdm:lr=0.02,dampening=0.5,wd=1e-4,warmup=10").name();
        assertEquals("sgdm(lr=0.02,dampening=0.5,wd=1e-4,warmup=10)", c);
        assertEquals(c, OptimizerRegistry.create(c).name());
    }

    @Test
    void numberFormatting() {
        assertEquals("0.001", Hyperparams.format(1e-3));
        assertEquals("1e-8", Hyperparams.format(1e-8));
        assertEquals("3e-4", Hyperparams.format(3e-4));
        assertEquals("2.5e-5", Hyperparams.format(2.5e-5));
        assertEquals("100", Hyperparams.format(100));
        assertEquals("0.9", Hyperparams.format(0.9));
    }

    @Test
    void unknownOptimizer() {
        assertContains(error("adma"), "unknown optimizer 'adma'", "did you mean 'adam'?",
                "valid: sgd, sgdm, nesterov, adam, adamw");
        String far = error("rmsprop-xyz:lr=1");
        assertContains(far, "unknown optimizer 'rmsprop-xyz'", "valid: ");
        assertFalse(far.contains("did you mean"), far);
    }

    @Test
    void unknownParameter() {
        assertContains(error("adam:lrr=0.1"), "optimizer 'adam' has no parameter 'lrr'", "did you mean 'lr'?",
                "allowed: lr, beta1, beta2, eps, wd, schedule, warmup, min_lr, steps");
        assertContains(error("sgd:momentum=0.9"), "optimizer 'sgd' has no parameter 'momentum'", "allowed: lr, wd");
    }

    @Test
    void badValues() {
        assertContains(error("adam:lr=abc"), "optimizer 'adam': lr must be a number > 0, got 'abc'");
        assertContains(error("sgd:lr=-0.1"), "lr must be a number > 0, got '-0.1'");
        assertContains(error("sgd:lr=0"), "lr must be a number > 0, got '0'");
        assertContains(error("adam:lr=NaN"), "lr must be a number > 0, got 'NaN'");
        assertContains(error("sgdm:momentum=1"), "momentum must be a number in [0, 1), got '1'");
        assertContains(error("nesterov:momentum=0"), "momentum must be a number in (0, 1), got '0'");
        assertContains(error("adam:beta2=1.5"), "beta2 must be a number in [0, 1), got '1.5'");
        assertContains(error("adamw:wd=-1"), "wd must be a number >= 0, got '-1'");
        assertContains(error("sgdm:dampening=2"), "dampening must be a number in [0, 1], got '2'");
        assertContains(error("adam:warmup=1.5"), "warmup must be a whole number >= 0, got '1.5'");
        assertContains(error("adam:schedule=linear"), "schedule must be one of constant, cosine, got 'linear'");
    }

    @Test
    void scheduleErrors() {
        assertContains(error("adamw:schedule=cosine"), "schedule=cosine needs the total number of steps",
                "steps=N");
        assertContains(error("sgd:schedule=cosine,steps=10,warmup=10"),
                "warmup (10) must be smaller than the total steps (10)");
        assertContains(error("adam:schedule=cosine,min_lr=0.01", 100), "min_lr (0.01) must not exceed lr (0.001)");
        assertContains(error("adam:min_lr=0.0001"), "min_lr applies to schedule=cosine only");
        assertContains(error("adam:schedule=cosine,steps=0"), "steps must be a whole number >= 1, got '0'");
    }

    @Test
    void syntaxErrors() {
        assertContains(error(""), "empty optimizer spec");
        assertContains(error("adam:lr"), "argument 'lr' is not of the form key=value");
        assertContains(error("adam:lr=1,lr=2"), "parameter 'lr' given twice");
        assertContains(error("adam:lr=1,"), "empty argument");
        assertContains(error("adam:lr="), "parameter 'lr' has no value");
        assertContains(error(":lr=1"), "missing optimizer name");
        assertContains(error("adam(lr=1"), "missing ')'");
    }

    @Test
    void parsesAllForms() {
        OptimizerSpec a = OptimizerSpec.parse(" Adam : LR = 3e-3 , beta1=0.8 ");
        assertEquals("adam", a.name());
        assertEquals(Map.of("lr", "3e-3", "beta1", "0.8"), a.args());
        assertEquals(List.of("lr", "beta1"), List.copyOf(a.args().keySet()));
        OptimizerSpec b = OptimizerSpec.parse("adam(lr=0.003,beta1=0.8)");
        assertEquals("adam", b.name());
        assertEquals(Map.of("lr", "0.003", "beta1", "0.8"), b.args());
        assertEquals(Map.of(), OptimizerSpec.parse("star").args());
    }

    @Test
    void stateOfAStatelessOptimizer() {
        OptState s = OptState.none();
        assertEquals(Map.of(), s.export());
        assertEquals(0, s.bytes());
        s.restore(Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.restore(Map.of("w/m", new float[1])));
        assertTrue(e.getMessage().contains("w/m"), e.getMessage());
    }

    @Test
    void extensionRegistration() {
        Optimizer fixed = new Optimizer() {
            @Override
            public String name() {
                return "test-fixed";
            }

            @Override
            public OptState init(List<Param> params) {
                return OptState.none();
            }

            @Override
            public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {}
        };
        OptimizerRegistry.register("test-fixed", "a test optimizer", hp -> fixed);
        assertSame(fixed, OptimizerRegistry.create("test-fixed"));
        assertTrue(OptimizerRegistry.names().contains("test-fixed"));
        assertContains(error("test-fixed:lr=1"), "optimizer 'test-fixed' has no parameter 'lr'",
                "it takes no parameters");
        assertThrows(IllegalStateException.class,
                () -> OptimizerRegistry.register("test-fixed", "again", hp -> fixed));
        OptimizerRegistry.register("test-param", "with a parameter", Map.of("depth", "2"),
                hp -> {
                    hp.integer("depth", 1);
                    assertEquals("test-param(depth=3)", hp.canonicalName());
                    return fixed;
                });
        OptimizerRegistry.create("test-param:depth=3");
    }

    @Test
    void names() {
        assertEquals(3, Names.levenshtein("kitten", "sitting"));
        assertEquals(3, Names.levenshtein("", "abc"));
        assertEquals(2, Names.levenshtein("adam", "adma"));
        assertEquals(0, Names.levenshtein("sgd", "sgd"));
        assertEquals("adamw", Names.closest("adamW ", List.of("sgd", "adamw")).orElseThrow().strip());
        assertEquals("nesterov", Names.closest("nestrov", List.of("sgd", "sgdm", "nesterov")).orElseThrow());
        assertTrue(Names.closest("zzzzzz", List.of("sgd", "adam")).isEmpty());
    }
}
