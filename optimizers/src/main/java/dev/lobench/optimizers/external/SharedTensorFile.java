package dev.lobench.optimizers.external;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The memory-mapped file of the shared-memory transport (docs/external-optimizer.md, "Shared memory"): up to three
 * regions (parameters, gradients, updates), each the tensors' float32 elements back to back in tensor order, each
 * region starting at a multiple of {@link #ALIGN} bytes. The file is created in {@code /dev/shm} when that is a
 * writable directory (so it lives in RAM), else in the temporary directory, readable and writable by the owner only.
 *
 * <p>{@link #unlink} removes the path (the mappings stay valid: lobench unlinks as soon as the client has mapped
 * it, so no file outlives the cell, whatever happens later); {@link #close} also unmaps lobench's side at once
 * rather than when the garbage collector gets to it, so the pages of a 1M-parameter cell (12 MB) are freed when the
 * cell ends.
 */
final class SharedTensorFile implements AutoCloseable {
    static final int ALIGN = 64;
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Object unsafe = null;
        Method cleaner = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            cleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // unmapping is left to the garbage collector
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = cleaner;
    }

    private final Path path;
    private final long size;
    /** Byte offsets of the parameter (-1 when absent), gradient and update regions. */
    private final long paramsOffset;
    private final long gradsOffset;
    private final long updatesOffset;
    private MappedByteBuffer map;
    private FloatBuffer params;
    private FloatBuffer grads;
    private FloatBuffer updates;
    private java.nio.IntBuffer updateBits;

    private SharedTensorFile(Path path, MappedByteBuffer map, long paramsOffset, long gradsOffset,
                             long updatesOffset) {
        this.path = path;
        this.map = map;
        this.size = map.capacity();
        this.paramsOffset = paramsOffset;
        this.gradsOffset = gradsOffset;
        this.updatesOffset = updatesOffset;
        map.order(ByteOrder.LITTLE_ENDIAN);
        this.params = paramsOffset < 0 ? null : region(paramsOffset, gradsOffset);
        this.grads = region(gradsOffset, updatesOffset);
        this.updates = region(updatesOffset, size);
        this.updateBits = map.slice((int) updatesOffset, (int) (size - updatesOffset)).order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer();
    }

    private FloatBuffer region(long from, long to) {
        return map.slice((int) from, (int) (to - from)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** Bytes of one region of {@code totalElements} floats, rounded up to {@link #ALIGN}. */
    static long regionBytes(long totalElements) {
        return (4 * totalElements + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** The file's size for these tensors, or -1 when it does not fit one mapping (2 GiB). */
    static long fileBytes(long totalElements, boolean withParams) {
        long bytes = regionBytes(totalElements) * (withParams ? 3 : 2);
        return bytes > Integer.MAX_VALUE ? -1 : Math.max(bytes, ALIGN);
    }

    /** Where the files go: /dev/shm when it is a writable directory, else java.io.tmpdir. */
    static Path directory() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Creates and maps the file for {@code totalElements} floats per region (see {@link #fileBytes}). */
    static SharedTensorFile create(long totalElements, boolean withParams) throws IOException {
        long region = regionBytes(totalElements);
        long size = fileBytes(totalElements, withParams);
        if (size < 0) {
            throw new IOException("the tensors need " + region + " bytes per region; a mapping holds at most 2 GiB");
        }
        Path path = Files.createTempFile(directory(), "lobench-ext-", ".f32");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size); // grows the file to size
            long p = withParams ? 0 : -1;
            long g = withParams ? region : 0;
            return new SharedTensorFile(path, map, p, g, g + region);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    long paramsOffset() {
        return paramsOffset;
    }

    long gradsOffset() {
        return gradsOffset;
    }

    long updatesOffset() {
        return updatesOffset;
    }

    /** The parameter region as floats (null when the client did not ask for parameters). */
    FloatBuffer params() {
        return params;
    }

    FloatBuffer grads() {
        return grads;
    }

    FloatBuffer updates() {
        return updates;
    }

    /** The update region read as the floats' bit patterns (for the finiteness check). */
    java.nio.IntBuffer updateBits() {
        return updateBits;
    }

    /** Removes the path; the mappings stay valid. Idempotent. */
    void unlink() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // tried again by close()
        }
    }

    /** Removes the path and unmaps lobench's side; the buffers must not be used afterwards. Idempotent. */
    @Override
    public void close() {
        unlink();
        MappedByteBuffer m = map;
        if (m == null) {
            return;
        }
        map = null;
        params = null;
        grads = null;
        updates = null;
        updateBits = null;
        if (INVOKE_CLEANER != null) {
            try {
                INVOKE_CLEANER.invoke(UNSAFE, m);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the garbage collector
            }
        }
    }
}
