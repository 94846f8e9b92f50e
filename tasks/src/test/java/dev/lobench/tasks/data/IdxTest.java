package dev.lobench.tasks.data;

import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxTest {
    @TempDir
    Path dir;

    private static final byte[] PIX = {0, 1, 2, 3, 4, 5, (byte) 255, 7, 8, 9, 10, 11};

    @Test
    void readsGzippedImagesAndLabels() throws IOException {
        Path f = IdxFiles.gz(dir.resolve("img.gz"), IdxFiles.imagesBytes(2, 2, 3, PIX));
        Idx.Images im = Idx.readImages(f, "ds");
        assertEquals(2, im.count());
        assertEquals(2, im.rows());
        assertEquals(3, im.cols());
        assertArrayEquals(PIX, im.pixels());
        assertEquals(255, im.pixel(1, 0, 0)); // index (1*2+0)*3+0 = 6
        assertEquals(11, im.pixel(1, 1, 2));
        Path l = IdxFiles.gz(dir.resolve("lab.gz"), IdxFiles.labelsBytes(new byte[] {9, 0, 3}));
        assertArrayEquals(new byte[] {9, 0, 3}, Idx.readLabels(l, "ds", 10));
    }

    @Test
    void readsPlainFiles() throws IOException {
        Path f = Files.write(dir.resolve("img"), IdxFiles.imagesBytes(2, 2, 3, PIX));
        assertArrayEquals(PIX, Idx.readImages(f, "ds").pixels());
    }

    @Test
    void badMagic() throws IOException {
        byte[] b = IdxFiles.imagesBytes(2, 2, 3, PIX);
        b[3] = 0x01; // labels magic in an images file
        Path f = IdxFiles.gz(dir.resolve("img.gz"), b);
        UserError e = assertThrows(UserError.class, () -> Idx.readImages(f, "ds"));
        assertEquals("ds: " + f + ": bad magic number 0x00000801: expected 0x00000803 (unsigned-byte images, 3 dimensions)",
                e.getMessage());
    }

    @Test
    void truncatedPayload() throws IOException {
        byte[] b = IdxFiles.imagesBytes(2, 2, 3, PIX);
        Path f = IdxFiles.gz(dir.resolve("img.gz"), Arrays.copyOf(b, b.length - 5));
        UserError e = assertThrows(UserError.class, () -> Idx.readImages(f, "fashion-mnist"));
        // header 16 + 12 pixels = 28 expected; 23 present
        assertEquals("fashion-mnist: " + f + ": truncated: expected 28 bytes, found 23", e.getMessage());
    }

    @Test
    void truncatedHeader() throws IOException {
        Path f = IdxFiles.gz(dir.resolve("lab.gz"), new byte[] {0, 0, 8, 1, 0, 0});
        UserError e = assertThrows(UserError.class, () -> Idx.readLabels(f, "ds", 10));
        assertEquals("ds: " + f + ": truncated: header needs 8 bytes, found 6", e.getMessage());
    }

    @Test
    void trailingBytes() throws IOException {
        byte[] b = IdxFiles.labelsBytes(new byte[] {1, 2});
        Path f = IdxFiles.gz(dir.resolve("lab.gz"), Arrays.copyOf(b, b.length + 3));
        UserError e = assertThrows(UserError.class, () -> Idx.readLabels(f, "ds", 10));
        assertEquals("ds: " + f + ": trailing bytes: expected 10 bytes, found 13", e.getMessage());
    }

    @Test
    void corruptGzip() throws IOException {
        Path good = IdxFiles.gz(dir.resolve("img.gz"), IdxFiles.imagesBytes(2, 2, 3, PIX));
        byte[] b = Files.readAllBytes(good);
        // keep the gzip header, damage the deflate stream
        for (int i = 12; i < b.length - 8; i++) {
            b[i] = (byte) 0xff;
        }
        Path bad = Files.write(dir.resolve("bad.gz"), b);
        UserError e = assertThrows(UserError.class, () -> Idx.readImages(bad, "ds"));
        assertTrue(e.getMessage().startsWith("ds: " + bad + ": corrupt gzip: "), e.getMessage());

        Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(Files.readAllBytes(good), 20));
        UserError e2 = assertThrows(UserError.class, () -> Idx.readImages(cut, "ds"));
        assertTrue(e2.getMessage().startsWith("ds: " + cut + ": corrupt gzip: "), e2.getMessage());
    }

    @Test
    void badLabel() throws IOException {
        Path f = IdxFiles.gz(dir.resolve("lab.gz"), IdxFiles.labelsBytes(new byte[] {1, 10, 2}));
        UserError e = assertThrows(UserError.class, () -> Idx.readLabels(f, "ds", 10));
        assertEquals("ds: " + f + ": bad label 10 at index 1: expected 0..9", e.getMessage());
    }

    @Test
    void zeroDimension() throws IOException {
        Path f = IdxFiles.gz(dir.resolve("img.gz"), IdxFiles.imagesBytes(2, 0, 3, new byte[0]));
        UserError e = assertThrows(UserError.class, () -> Idx.readImages(f, "ds"));
        assertEquals("ds: " + f + ": bad dimensions 2 x 0 x 3: all must be positive", e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.gz");
        UserError e = assertThrows(UserError.class, () -> Idx.readImages(f, "ds"));
        assertEquals("ds: " + f + ": no such file", e.getMessage());
    }

    @Test
    void countMismatchBetweenImagesAndLabels() throws IOException {
        IdxFiles.tinyDataset(dir, 3, 2, 1);
        Path labels = dir.resolve(FashionMnist.TRAIN_LABELS);
        IdxFiles.gz(labels, IdxFiles.labelsBytes(new byte[] {1, 2}));
        UserError e = assertThrows(UserError.class, () -> FashionMnist.loadAny(dir, 28));
        assertEquals("fashion-mnist: " + dir.resolve(FashionMnist.TRAIN_IMAGES) + " has 3 images but " + labels
                + " has 2 labels", e.getMessage());
    }
}
