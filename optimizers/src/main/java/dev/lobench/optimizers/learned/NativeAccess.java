package dev.lobench.optimizers.learned;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Zero-copy access to the memory of CPU float32 tensors, where DJL allows it.
 *
 * <p>Measured with DJL 0.36 / libtorch 2.7.1 (see optimizers/LAYOUT.md, "Parameter memory access"): for a
 * contiguous CPU {@code PtNDArray}, {@code toByteBuffer(true)} returns a <em>direct</em> ByteBuffer that views the
 * tensor's native storage: reads see the current values and writes change the tensor, with no copy. {@code
 * toByteBuffer()} (= {@code toByteBuffer(false)}) returns a copy. {@code set(Buffer)} copies a buffer into the tensor.
 * Whether the view is live is checked once per JVM by {@link #directViewsWork}; if it is not, callers fall back to
 * copying ({@code toFloatArray} / {@code set(Buffer)}).
 */
public final class NativeAccess {
    private static volatile Boolean directWorks;

    private NativeAccess() {}

    /** Probes once (on a 4-element tensor) whether toByteBuffer(true) is a live, writable view. */
    static boolean directViewsWork(NDManager anyManager) {
        Boolean v = directWorks;
        if (v == null) {
            synchronized (NativeAccess.class) {
                v = directWorks;
                if (v == null) {
                    v = probe(anyManager);
                    directWorks = v;
                }
            }
        }
        return v;
    }

    static boolean probe(NDManager anyManager) {
        try (NDManager m = anyManager.newSubManager(Device.cpu())) {
            NDArray a = m.create(new float[] {1f, 2f, 3f, 4f});
            ByteBuffer bb = a.toByteBuffer(true);
            if (!bb.isDirect()) {
                return false;
            }
            FloatBuffer fb = bb.order(ByteOrder.nativeOrder()).asFloatBuffer();
            if (fb.capacity() != 4 || fb.get(2) != 3f) {
                return false;
            }
            fb.put(2, 7.5f);
            float[] back = a.toFloatArray();
            if (back[2] != 7.5f) {
                return false;
            }
            a.addi(1f); // and the view sees changes made by libtorch
            return fb.get(0) == 2f;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A live float view of a contiguous CPU float32 tensor, or null if not possible. */
    public static FloatBuffer view(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32 || !a.getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU) || !directViewsWork(a.getManager())) {
            return null;
        }
        ByteBuffer bb = a.toByteBuffer(true);
        if (!bb.isDirect() || bb.capacity() != 4L * a.getShape().size()) {
            return null;
        }
        return bb.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A float view of {@code a} for reading: the live view where possible, else a float32 copy of its values. */
    public static FloatBuffer readable(NDArray a) {
        FloatBuffer v = view(a);
        if (v != null) {
            return v;
        }
        NDArray a32 = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        try {
            return FloatBuffer.wrap(a32.toFloatArray());
        } finally {
            if (a32 != a) {
                a32.close();
            }
        }
    }
}
