package dev.lobench.tasks.data.cifar;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10Test {

    /** Record k of file f: label (f + k) mod 10, pixel p = (7 f + 3 k + p) mod 256. */
    private static byte[] file(int f, int records) {
        byte[] b = new byte[records * 3073];
        for (int k = 0; k < records; k++) {
            b[k * 3073] = (byte) ((f + k) % 10);
            for (int p = 0; p < 3072; p++) {
                b[k * 3073 + 1 + p] = (byte) ((7 * f + 3 * k + p) % 256);
            }
        }
        return b;
    }

    private static void writeAll(Path dir, int records) throws IOException {
        Files.createDirectories(dir);
        for (int f = 1; f <= 5; f++) {
            Files.write(dir.resolve("data_batch_" + f + ".bin"), file(f, records));
        }
        Files.write(dir.resolve("test_batch.bin"), file(0, records + 1));
    }

    @Test
    void readsRecordsInFileOrder(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("cifar-10-batches-bin");
        writeAll(dir, 3);
        Cifar10.Images train = Cifar10.load(new DataContext(Optional.of(tmp), false), Cifar10.Split.TRAIN);
        assertEquals(15, train.count());
        assertEquals(15, train.labels().length);
        assertEquals(15 * 3072, train.pixels().length);
        // image 7 = file 3 (data_batch_3), record 1: label 4; pixel p = 21 + 3 + p
        assertEquals(4, train.label(7));
        assertEquals((24 + 2 * 1024 + 5 * 32 + 6) % 256, train.pixel(7, 2, 5, 6));
        float[] f = new float[2 * 3072];
        train.toFloats(7, 2, f);
        assertEquals(24 / 255f, f[0], 1e-7f);
        assertEquals(((7 * 3 + 3 * 2 + 3071) % 256) / 255f, f[2 * 3072 - 1], 1e-7f);
        Cifar10.Images test = Cifar10.read(dir, Cifar10.Split.TEST);
        assertEquals(4, test.count());
        assertEquals(3, test.label(3));
    }

    @Test
    void searchOrder(@TempDir Path tmp) throws IOException {
        Path explicit = tmp.resolve("explicit");
        Path env = tmp.resolve("env");
        Path home = tmp.resolve("home");
        writeAll(explicit.resolve(Cifar10.DIR_NAME), 1);
        writeAll(env.resolve(Cifar10.DIR_NAME), 1);
        writeAll(home.resolve(".cache/lobench").resolve(Cifar10.DIR_NAME), 1);
        writeAll(tmp.resolve("flat"), 1);
        assertEquals(explicit.resolve(Cifar10.DIR_NAME),
                Cifar10.locate(new DataContext(Optional.of(explicit), false), env.toString(), home));
        assertEquals(tmp.resolve("flat"),
                Cifar10.locate(new DataContext(Optional.of(tmp.resolve("flat")), false), env.toString(), home));
        assertEquals(env.resolve(Cifar10.DIR_NAME), Cifar10.locate(DataContext.defaults(), env.toString(), home));
        assertEquals(home.resolve(".cache/lobench").resolve(Cifar10.DIR_NAME),
                Cifar10.locate(DataContext.defaults(), "", home));
    }

    @Test
    void absentEverywhereNamesWhereToPutIt(@TempDir Path tmp) {
        UserError e = assertThrows(UserError.class,
                () -> Cifar10.locate(new DataContext(Optional.of(tmp), false), null, tmp.resolve("home")));
        assertTrue(e.getMessage().contains(Cifar10.URL), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve(Cifar10.DIR_NAME).toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void rejectsTruncatedFile(@TempDir Path tmp) throws IOException {
        writeAll(tmp, 2);
        byte[] b = file(2, 2);
        Files.write(tmp.resolve("data_batch_2.bin"), java.util.Arrays.copyOf(b, b.length - 100));
        UserError e = assertThrows(UserError.class, () -> Cifar10.read(tmp, Cifar10.Split.TRAIN));
        assertTrue(e.getMessage().contains("data_batch_2.bin") && e.getMessage().contains("3073"), e.getMessage());
        Files.write(tmp.resolve("test_batch.bin"), new byte[0]);
        e = assertThrows(UserError.class, () -> Cifar10.read(tmp, Cifar10.Split.TEST));
        assertTrue(e.getMessage().contains("test_batch.bin"), e.getMessage());
    }

    @Test
    void rejectsLabelOutsideTenClasses(@TempDir Path tmp) throws IOException {
        writeAll(tmp, 2);
        byte[] b = file(4, 2);
        b[3073] = 57;
        Files.write(tmp.resolve("data_batch_4.bin"), b);
        UserError e = assertThrows(UserError.class, () -> Cifar10.read(tmp, Cifar10.Split.TRAIN));
        assertTrue(e.getMessage().contains("data_batch_4.bin") && e.getMessage().contains("record 1")
                && e.getMessage().contains("57"), e.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path tmp) throws IOException {
        writeAll(tmp, 1);
        Files.delete(tmp.resolve("data_batch_5.bin"));
        UserError e = assertThrows(UserError.class, () -> Cifar10.read(tmp, Cifar10.Split.TRAIN));
        assertTrue(e.getMessage().contains("data_batch_5.bin"), e.getMessage());
        assertEquals(2, Cifar10.read(tmp, Cifar10.Split.TEST).count());
        assertEquals(List.of("test_batch.bin"), Cifar10.Split.TEST.files());
    }
}
