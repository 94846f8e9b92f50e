package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.optimizers.learned.Arch;
import dev.lobench.optimizers.learned.HeadInit;
import dev.lobench.optimizers.learned.Theta;
import dev.lobench.tasks.UserError;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The architectures {@code meta-train --arch} finds through the services file, and what each accepts. */
class MetaArchFactoryTest {

    @Test
    void theServicesFileListsTheThreeArchitectures() {
        assertEquals(List.of("star", "small-fc", "velo-style"), MetaArchFactory.names());
        UserError e = assertThrows(UserError.class, () -> MetaArchFactory.get("stra"));
        assertTrue(e.getMessage().contains("'stra'") && e.getMessage().contains("star, small-fc, velo-style"),
                e.getMessage());
    }

    @Test
    void starAndSmallFcBuildTheSameArchAsTheConstructorWithTheirDefaults() {
        for (Arch arch : List.of(Arch.STAR, Arch.SMALL_FC)) {
            MetaArch viaFactory = MetaArchFactory.get(arch.id()).create(MetaArchFactory.Settings.defaults(1, 2000));
            MetaArch direct = new LearnedMetaArch(arch, 1, HeadInit.defaultFor(arch), Theta.DEFAULT_STEP_MULT);
            assertEquals(direct.thetaSize(), viaFactory.thetaSize());
            assertArrayEquals(direct.initTheta(7), viaFactory.initTheta(7), arch.id());
            assertEquals(", head init " + HeadInit.defaultFor(arch).id(),
                    MetaArchFactory.get(arch.id()).describe(MetaArchFactory.Settings.defaults(1, 2000)));
        }
        MetaArchFactory.Settings given = new MetaArchFactory.Settings(1, 2000, "code", 1e-5f, null, null);
        MetaArch star = MetaArchFactory.get("star").create(given);
        assertArrayEquals(new LearnedMetaArch(Arch.STAR, 1, HeadInit.CODE, 1e-5f).initTheta(3), star.initTheta(3));
        assertEquals(", head init code, step-mult 1.0E-5", MetaArchFactory.get("star").describe(given));
    }

    @Test
    void settingsOfAnotherArchitectureAreOneLineErrors() {
        UserError lstm = assertThrows(UserError.class, () -> MetaArchFactory.get("star")
                .create(new MetaArchFactory.Settings(1, 2000, null, null, 8, null)));
        assertTrue(lstm.getMessage().startsWith("--lstm and --bank apply to velo-style"), lstm.getMessage());
        UserError head = assertThrows(UserError.class, () -> MetaArchFactory.get("velo-style")
                .create(new MetaArchFactory.Settings(1, 2000, "code", null, null, null)));
        assertTrue(head.getMessage().startsWith("--head-init applies to star and small-fc"), head.getMessage());
        UserError mult = assertThrows(UserError.class, () -> MetaArchFactory.get("velo-style")
                .create(new MetaArchFactory.Settings(1, 2000, null, 1e-5f, null, null)));
        assertTrue(mult.getMessage().startsWith("--step-mult applies"), mult.getMessage());
        UserError bank = assertThrows(UserError.class, () -> MetaArchFactory.get("velo-style")
                .create(new MetaArchFactory.Settings(1, 2000, null, null, 4, 0)));
        assertEquals("--lstm and --bank must be >= 1", bank.getMessage());
    }

    @Test
    void veloStyleDefaultsTo32By16AndTakesGivenSizes() {
        MetaArch def = MetaArchFactory.get("velo-style").create(MetaArchFactory.Settings.defaults(1, 2000));
        assertEquals(new VeloMetaArch(32, 16, 2000).thetaSize(), def.thetaSize());
        MetaArch small = MetaArchFactory.get("velo-style").create(new MetaArchFactory.Settings(1, 500, null, null, 4, 3));
        assertEquals(new VeloMetaArch(4, 3, 500).thetaSize(), small.thetaSize());
        assertArrayEquals(new VeloMetaArch(4, 3, 500).initTheta(5), small.initTheta(5));
    }
}
