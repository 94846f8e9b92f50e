package dev.lobench.tasks.data;

import dev.lobench.tasks.UserError;
import dev.lobench.tasks.models.InputTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void areaResizeOfSinglePixels() {
        // 28 -> 8: each output cell spans 3.5 input cells. Input cell 3 is split half/half between outputs 0 and 1;
        // input cell 0 lies fully in output 0. Weights per axis: 1/3.5 (full) or 0.5/3.5 (half).
        float[] img = new float[28 * 28];
        img[0] = 1f; // (0,0): contributes (1/3.5)^2 = 4/49 to out(0,0) only
        float[] out = FashionMnist.areaResize(img, 1, 28, 8);
        assertEquals(4.0 / 49, out[0], 1e-7);
        for (int i = 1; i < 64; i++) {
            assertEquals(0f, out[i], 0f);
        }
        img = new float[28 * 28];
        img[3 * 28 + 3] = 1f; // (3,3): (0.5/3.5)^2 = 1/49 to each of out(0,0), (0,1), (1,0), (1,1)
        out = FashionMnist.areaResize(img, 1, 28, 8);
        float q = 1f / 49;
        assertEquals(q, out[0], 1e-7);
        assertEquals(q, out[1], 1e-7);
        assertEquals(q, out[8], 1e-7);
        assertEquals(q, out[9], 1e-7);
        assertEquals(0f, out[2], 0f);
        assertEquals(0f, out[16], 0f);
        img = new float[28 * 28];
        img[27 * 28 + 5] = 1f; // row 27 -> out row 7 fully (1/3.5); col 5 -> out col 1 fully (1/3.5)
        out = FashionMnist.areaResize(img, 1, 28, 8);
        assertEquals(4.0 / 49, out[7 * 8 + 1], 1e-7);
    }

    @Test
    void areaResizeKeepsConstantsAndHandlesSeveralImages() {
        float[] img = new float[2 * 28 * 28];
        for (int i = 28 * 28; i < img.length; i++) {
            img[i] = 0.25f;
        }
        float[] out = FashionMnist.areaResize(img, 2, 28, 8);
        for (int i = 0; i < 64; i++) {
            assertEquals(0f, out[i], 0f);
            assertEquals(0.25f, out[64 + i], 1e-7);
        }
        // an integer factor is a plain block mean: 4x4 -> 2x2
        float[] small = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, FashionMnist.areaResize(small, 1, 4, 2), 1e-6f);
    }

    @Test
    void loadsTinyDatasetAsUnitFloatsAndCaches() throws IOException {
        IdxFiles.tinyDataset(dir, 5, 3, 7);
        byte[] raw = Idx.readImages(dir.resolve(FashionMnist.TRAIN_IMAGES), "t").pixels();
        FashionMnist.Data d = FashionMnist.loadAny(dir, 28);
        assertEquals(5, d.train().count());
        assertEquals(3, d.test().count());
        assertEquals(784, d.train().features());
        assertEquals((raw[100] & 0xff) / 255f, d.train().pixels()[100], 0f);
        assertSame(d, FashionMnist.loadAny(dir, 28));
        FashionMnist.Data d8 = FashionMnist.loadAny(dir, 8);
        assertEquals(64, d8.train().features());
        assertEquals(5 * 64, d8.train().pixels().length);
        // the 60k/10k check of the real dataset
        UserError e = assertThrows(UserError.class, () -> FashionMnist.load(dir, 28));
        assertEquals("fashion-mnist: " + dir.resolve(FashionMnist.TRAIN_IMAGES)
                + ": expected 60000 images, found 5 (not the official Fashion-MNIST file)", e.getMessage());
        assertThrows(UserError.class, () -> FashionMnist.loadAny(dir, 14));
    }

    @Test
    void inputTransforms() {
        float[] img = {0.1f, 0.2f, 0.3f, 0.4f}; // 2x2
        assertArrayEquals(new float[] {0.9f, 0.8f, 0.7f, 0.6f}, new InputTransform(true, 0).apply(img, 1, 2), 1e-6f);
        // shift by +1: content moves right and down, zero fill
        assertArrayEquals(new float[] {0f, 0f, 0f, 0.1f}, new InputTransform(false, 1).apply(img, 1, 2), 0f);
        assertArrayEquals(new float[] {0.4f, 0f, 0f, 0f}, new InputTransform(false, -1).apply(img, 1, 2), 0f);
        // shift then invert: the fill becomes 1
        assertArrayEquals(new float[] {1f, 1f, 1f, 0.9f}, new InputTransform(true, 1).apply(img, 1, 2), 1e-6f);
        assertSame(img, InputTransform.NONE.apply(img, 1, 2));
    }
}
