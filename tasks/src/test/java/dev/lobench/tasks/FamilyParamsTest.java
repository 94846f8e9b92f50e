package dev.lobench.tasks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FamilyParamsTest {
    private static final List<ParamSpec> SPECS = List.of(ParamSpec.ofInt("n", 4, 1, 10, "count"),
            ParamSpec.ofDouble("rate", 0.5, 0, 1, "a rate"), ParamSpec.ofChoice("mode", "a", List.of("a", "b"), "m"));

    @Test
    void fillsDefaultsAndParsesStrings() {
        FamilyParams p = FamilyParams.validate("fam", SPECS, Map.of("n", "7", "rate", "0.25"));
        assertEquals(7, p.getInt("n"));
        assertEquals(0.25, p.getDouble("rate"));
        assertEquals("a", p.getString("mode"));
        assertEquals(List.of("n", "rate", "mode"), List.copyOf(p.asMap().keySet()));
        assertEquals(3, FamilyParams.validate("fam", SPECS, Map.of("n", 3.0)).getInt("n"));
    }

    @Test
    void rejectsWithFieldAndAllowedValues() {
        UserError e = assertThrows(UserError.class, () -> FamilyParams.validate("fam", SPECS, Map.of("n", 11)));
        assertEquals("task family 'fam': parameter 'n' must be in 1..10, got 11", e.getMessage());
        e = assertThrows(UserError.class, () -> FamilyParams.validate("fam", SPECS, Map.of("n", 2.5)));
        assertTrue(e.getMessage().contains("'n' must be an integer"), e.getMessage());
        e = assertThrows(UserError.class, () -> FamilyParams.validate("fam", SPECS, Map.of("rate", Double.NaN)));
        assertTrue(e.getMessage().contains("'rate'"), e.getMessage());
        e = assertThrows(UserError.class, () -> FamilyParams.validate("fam", SPECS, Map.of("mode", "c")));
        assertEquals("task family 'fam': parameter 'mode' must be one of a|b, got 'c'", e.getMessage());
        e = assertThrows(UserError.class, () -> FamilyParams.validate("fam", SPECS, Map.of("size", 1)));
        assertEquals("task family 'fam': unknown parameter 'size'; accepted parameters: n, rate, mode",
                e.getMessage());
    }

    @Test
    void describesSpecs() {
        assertEquals("n (int, default 4, 1..10): count", SPECS.get(0).describe());
        assertEquals("mode (string, default a, a|b): m", SPECS.get(2).describe());
    }
}
