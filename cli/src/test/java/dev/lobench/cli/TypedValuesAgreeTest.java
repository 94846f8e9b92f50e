package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lobench.optimizers.Hyperparams;
import dev.lobench.results.Schema;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A spec value is typed twice: by {@code optimizers} when a schema-2 cell is written ({@link Hyperparams#typeOf}) and
 * by {@code results} when a schema-1 cell is upgraded on reading ({@link Schema#typed}). The two modules do not see
 * each other, so each has its own copy; this test (in the module that sees both) keeps them identical.
 */
class TypedValuesAgreeTest {

    @Test
    void bothTypeEveryValueTheSameWay() {
        List<String> values = new java.util.ArrayList<>(List.of("0.001", "1e-3", "3E-4", "-2", "0", "7", "2147483647",
                "2147483648", "-9223372036854775808", "1.", ".5", "NaN", "Infinity", "-Infinity", "1e999", "true",
                "FALSE", "True", "auto", "cosine", " 0.1 ", "init:3", "experiments/x.safetensors", "", "1_000", "0x10",
                "+3", "1e", "e5", "--1"));
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            double d = Math.pow(10, rnd.nextInt(40) - 20) * rnd.nextDouble() * (rnd.nextBoolean() ? 1 : -1);
            values.add(switch (i % 4) {
                case 0 -> Double.toString(d);
                case 1 -> String.format(java.util.Locale.ROOT, "%.3g", d);
                case 2 -> Long.toString(rnd.nextLong() >> rnd.nextInt(64));
                default -> Integer.toString(rnd.nextInt());
            });
        }
        for (String v : values) {
            Object a = Hyperparams.typeOf(v);
            Object b = Schema.typed(v);
            assertEquals(b, a, "value '" + v + "'");
            assertEquals(b == null ? null : b.getClass(), a == null ? null : a.getClass(), "type of '" + v + "'");
        }
    }
}
