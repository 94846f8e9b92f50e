package dev.lobench.optimizers.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class SlotStateTest {

    @Test
    void exportCopiesInOrderAndRestoreOverwritesAndReturnsTheStep() {
        Map<String, float[]> slots = new LinkedHashMap<>();
        slots.put("w/m0", new float[] {1, 2});
        slots.put("_loss_means", new float[] {3});
        Map<String, float[]> out = SlotState.export(slots, 7);
        assertEquals(List.of("w/m0", "_loss_means", "_t"), List.copyOf(out.keySet()));
        assertNotSame(slots.get("w/m0"), out.get("w/m0"));
        assertArrayEquals(new float[] {7}, out.get("_t"));

        Map<String, float[]> in = new LinkedHashMap<>(Map.of("w/m0", new float[] {5, 6}, "_loss_means",
                new float[] {8}, "_t", new float[] {11}));
        assertEquals(11, SlotState.restore(slots, in));
        assertArrayEquals(new float[] {5, 6}, slots.get("w/m0"));
        assertArrayEquals(new float[] {8}, slots.get("_loss_means"));
        in.remove("_t");
        assertEquals(0, SlotState.restore(slots, in), "no _t: step 0");

        in.put("w/m0", new float[] {1});
        UserError e = assertThrows(UserError.class, () -> SlotState.restore(slots, in));
        assertTrue(e.getMessage().contains("'w/m0' is missing or has the wrong size"), e.getMessage());
        in.remove("w/m0");
        e = assertThrows(UserError.class, () -> SlotState.restore(slots, in));
        assertTrue(e.getMessage().contains("'w/m0'"), e.getMessage());
    }

    /** The fused and the reference state have the same slots: a state moves from one to the other unchanged. */
    @Test
    void aStateMovesBetweenTheFusedAndTheReferenceImplementation() {
        Theta theta = Theta.init(Arch.STAR, 3);
        LearnedOptimizer fused = LearnedOptimizers.create(theta, LearnedOptimizer.Impl.FUSED);
        LearnedOptimizer ref = LearnedOptimizers.create(theta, LearnedOptimizer.Impl.REFERENCE);
        try (NDManager m = NDManager.newBaseManager()) {
            // a factored matrix (v_row / v_col slots) and a vector (v slots)
            List<Param> ps = List.of(new Param("w", m.randomNormal(new Shape(5, 7))),
                    new Param("b", m.zeros(new Shape(7))));
            try (OptState a = fused.init(ps); OptState b = ref.init(ps)) {
                for (int step = 0; step < 3; step++) {
                    List<NDArray> g = List.of(m.randomNormal(new Shape(5, 7)), m.randomNormal(new Shape(7)));
                    fused.update(ps, g, 1f, step, a);
                }
                Map<String, float[]> exported = a.export();
                assertTrue(exported.containsKey("w/v_row0") && exported.containsKey("b/v0"),
                        exported.keySet().toString());
                b.restore(exported);
                Map<String, float[]> back = b.export();
                assertEquals(exported.keySet(), back.keySet());
                exported.forEach((k, v) -> assertArrayEquals(v, back.get(k), k));
                assertEquals(3, ((ReferenceLearnedOptimizer.State) b).iteration());
            }
        }
    }
}
