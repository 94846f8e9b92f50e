package dev.lobench.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.tasks.UserError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypedOptimizerSpecTest {

    @Test
    void parsedOnceIntoTypedParameters() {
        TypedOptimizerSpec s = TypedOptimizerSpec.resolve("Adam:lr=3e-3,beta1=0.8", 100);
        assertEquals("adam", s.base());
        assertEquals("adam(lr=0.003,beta1=0.8)", s.canonical());
        assertEquals(s.canonical(), s.identity());
        assertNull(s.tunedGroup());
        assertEquals(0.003, s.params().get("lr"));
        assertEquals(0.8, s.params().get("beta1"));
        assertEquals(1e-8, s.params().get("eps"));
        assertEquals(0.0, s.params().get("wd"));
        assertEquals("constant", s.params().get("schedule"));
        assertEquals(0, s.params().get("warmup"));
        assertEquals("auto", s.params().get("steps"), "steps=auto is kept as written: it means the run's length");
        assertEquals(List.copyOf(OptimizerRegistry.entry("adam").defaults().keySet()), List.copyOf(s.params().keySet()));
        assertEquals(Map.of("lr", "0.003", "beta1", "0.8"), s.args());
    }

    @Test
    void integersAndSchedulesAreTyped() {
        TypedOptimizerSpec s = TypedOptimizerSpec.resolve("sgd:lr=0.1,schedule=cosine,steps=500,warmup=1e1", 0);
        assertEquals(500, s.params().get("steps"));
        assertEquals(10, s.params().get("warmup"));
        assertEquals("cosine", s.params().get("schedule"));
        TypedOptimizerSpec auto = TypedOptimizerSpec.resolve("sgd:schedule=cosine", 300);
        assertEquals("auto", auto.params().get("steps"));
        assertThrows(UserError.class, () -> TypedOptimizerSpec.resolve("sgd:schedule=cosine", 0),
                "cosine without a known run length");
    }

    @Test
    void buildsTheOptimizerItsRecordsName() {
        TypedOptimizerSpec s = TypedOptimizerSpec.resolve("sgdm:lr=1e-1,momentum=0.95", 50);
        Optimizer o = s.build(50);
        assertEquals(s.canonical(), o.name());
        assertEquals(s.identity(), o.identity());
        assertTrue(o != s.build(50), "a new optimizer per build");
    }

    @Test
    void identityHashIsStableAndDistinguishes() {
        TypedOptimizerSpec a = TypedOptimizerSpec.resolve("adam", 10);
        assertEquals(a.identityHash(), TypedOptimizerSpec.resolve("adam:lr=0.001", 10).identityHash());
        assertNotEquals(a.identityHash(), TypedOptimizerSpec.resolve("adam:lr=0.002", 10).identityHash());
        assertEquals(24, a.identityHash().length());
    }

    @Test
    void joinsSpecsACommaSplit() {
        assertEquals(List.of("sgdm:lr=0.1,momentum=0.9", "adam", "adam-tuned:lrs=2,min=1e-3"),
                OptimizerSpecs.join(List.of("sgdm:lr=0.1", " momentum=0.9", "", "adam", "adam-tuned:lrs=2",
                        "min=1e-3")));
    }

    @Test
    void expandsTunedGridsWithTheirGroup() {
        List<OptimizerSpecs.Parsed> l = OptimizerSpecs.expand(List.of("adam-tuned:lrs=3,min=1e-3,max=1e-1",
                "beta1=0.8", "star"));
        assertEquals(4, l.size());
        String group = "adam-tuned(lrs=3,min=0.001,max=0.1,beta1=0.8)";
        List<Double> lrs = List.of(0.001, 0.01, 0.1);
        for (int i = 0; i < 3; i++) {
            TypedOptimizerSpec s = TypedOptimizerSpec.resolve(l.get(i), 100);
            assertEquals("adam", s.base());
            assertEquals(group, s.tunedGroup());
            assertEquals(lrs.get(i), s.params().get("lr"));
            assertEquals(0.8, s.params().get("beta1"));
        }
        assertNull(l.get(3).tunedGroup());
        List<OptimizerSpecs.Parsed> plain = OptimizerSpecs.expand(List.of("sgd-tuned"));
        assertEquals(OptimizerSpecs.DEFAULT_LRS, plain.size());
        assertEquals("sgd-tuned", plain.get(0).tunedGroup());
        assertEquals(OptimizerSpecs.lrGrid(1e-4, 1e-1, 7).stream().map(Object::toString).toList(),
                plain.stream().map(p -> p.spec().args().get("lr")).toList());
    }

    @Test
    void badTunedGridsAreOneLineErrors() {
        for (String bad : List.of("adam-tuned:lr=0.1", "adam-tuned:lrs=0", "adam-tuned:lrs=x", "adam-tuned:min=0",
                "adam-tuned:min=1,max=0.1", "nosuch-tuned", "adam-tuned:lrs=2,lrs=3")) {
            UserError e = assertThrows(UserError.class, () -> OptimizerSpecs.expand(List.of(bad)), bad);
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        assertThrows(UserError.class, () -> TypedOptimizerSpec.resolve("adam-tuned:lrs=2", 10),
                "a grid is not one spec");
    }

    @Test
    void withAddsAnArgument() {
        OptimizerSpecs.Parsed p = OptimizerSpecs.expand(List.of("adam:lr=0.01")).get(0).with("wd", "0.1");
        TypedOptimizerSpec s = TypedOptimizerSpec.resolve(p, 10);
        assertEquals(0.1, s.params().get("wd"));
        assertEquals(0.01, s.params().get("lr"));
    }

    @Test
    void unreadValuesAreTypedByTheirText() {
        assertEquals(3, Hyperparams.typeOf(" 3 "));
        assertEquals(1L << 40, Hyperparams.typeOf("1099511627776"));
        assertEquals(-2.5e-3, Hyperparams.typeOf("-2.5e-3"));
        assertEquals(true, Hyperparams.typeOf("TRUE"));
        assertEquals(false, Hyperparams.typeOf("false"));
        assertEquals("auto", Hyperparams.typeOf("auto"));
        assertEquals("1d", Hyperparams.typeOf("1d"), "not a JSON number");
        assertEquals("NaN", Hyperparams.typeOf("NaN"));
        assertEquals("init:0", Hyperparams.typeOf("init:0"));
    }
}
