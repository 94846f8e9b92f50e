package dev.lobench.optimizers.external;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.lobench.optimizers.GradMode;
import dev.lobench.optimizers.Hyperparams;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.NativeAccess;
import dev.lobench.tasks.Param;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An optimizer that runs in another process, in any language, speaking the protocol of docs/external-optimizer.md
 * over the process's stdin/stdout: at {@link #init} lobench starts {@code /bin/sh -c CMD} (once per cell) and sends
 * the tensors' names and shapes; every {@link #update} sends the step, the loss and the gradients as raw
 * little-endian float32 and reads one update per tensor, which it adds to the parameters ({@code p += u}).
 *
 * <p>Every failure of the client - it cannot be started, exits, answers with a bad frame, a wrong element count, a
 * non-finite value or an error message, or does not answer within {@code timeout} seconds (it is then killed) -
 * throws {@link ExternalOptimizerException}, which the training loop records as the cell's outcome {@code error}
 * with the reason (and the last line the client wrote to stderr). The client's state lives in the client, so
 * {@link OptState#export()} is empty.
 */
public final class ExternalOptimizer implements Optimizer {
    /** "LOBX" as the four bytes 0x4C 0x4F 0x42 0x58, read as a little-endian u32. */
    public static final int MAGIC = 0x58424F4C;
    public static final int VERSION = 1;
    public static final int MSG_STEP = 1;
    public static final int MSG_END = 2;
    /** lobench → client after a handshake with {@link #FLAG_SHM}, when lobench uses the shared file. */
    public static final int MSG_SHM = 3;
    public static final int STATUS_OK = 0;
    public static final int STATUS_ERROR = 1;
    /** Client flag bit 0: send the parameter values before the gradients in every step message. */
    public static final int FLAG_SEND_PARAMS = 1;
    /**
     * Client flag bit 1: the client can take the tensors through a shared memory-mapped file. lobench then either
     * sends {@link #MSG_SHM} (and the steps carry only their header) or goes straight on with pipe steps.
     */
    public static final int FLAG_SHM = 2;
    /** Default of {@code shm_min}: smallest gradient payload in bytes for which lobench uses the shared file. */
    public static final long DEFAULT_SHM_MIN_BYTES = 0;

    private static final int CHUNK = 1 << 16;
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "lobench-ext-watchdog");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    private final String name;
    private final String command;
    private final double timeoutSeconds;
    private final double initTimeoutSeconds;
    private final long runSteps;
    private final long shmMinBytes;

    public ExternalOptimizer(String name, String command, double timeoutSeconds, double initTimeoutSeconds,
                             long runSteps) {
        this(name, command, timeoutSeconds, initTimeoutSeconds, runSteps, DEFAULT_SHM_MIN_BYTES);
    }

    /**
     * @param command shell command line of the client ({@code /bin/sh -c command}, in the current directory)
     * @param timeoutSeconds longest wait for one step's reply
     * @param initTimeoutSeconds longest wait for the client's handshake (it may import large libraries)
     * @param runSteps total number of updates of the run, sent at init (0 if unknown)
     * @param shmMinBytes a client that asks for shared memory gets it when the gradients take at least this many
     *     bytes (4 per parameter); below, its steps go over the pipes
     */
    public ExternalOptimizer(String name, String command, double timeoutSeconds, double initTimeoutSeconds,
                             long runSteps, long shmMinBytes) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("empty client command");
        }
        if (!(timeoutSeconds > 0) || !(initTimeoutSeconds > 0)) {
            throw new IllegalArgumentException("timeouts must be > 0: " + timeoutSeconds + ", " + initTimeoutSeconds);
        }
        this.initTimeoutSeconds = initTimeoutSeconds;
        this.name = name;
        this.command = command;
        this.timeoutSeconds = timeoutSeconds;
        this.runSteps = runSteps;
        if (shmMinBytes < 0) {
            throw new IllegalArgumentException("shm_min must be >= 0: " + shmMinBytes);
        }
        this.shmMinBytes = shmMinBytes;
    }

    @Override
    public String name() {
        return name;
    }

    public String command() {
        return command;
    }

    @Override
    public OptState init(List<Param> params) {
        Process p;
        try {
            p = new ProcessBuilder("/bin/sh", "-c", command).start();
        } catch (IOException e) {
            throw new ExternalOptimizerException("external optimizer: cannot start '" + command + "': "
                    + e.getMessage());
        }
        Client c = new Client(p, params);
        try {
            c.handshake();
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
        if (!(state instanceof Client c) || c.owner() != this) {
            throw new IllegalArgumentException("state was not created by this optimizer's init");
        }
        c.step(params, grads, loss, step);
    }

    /**
     * The path of the shared memory file of a state made by an {@code ext} optimizer's init (it is unlinked once the
     * client has mapped it), or null when its tensors go over the pipes. For tests.
     */
    static java.nio.file.Path sharedFile(OptState state) {
        return state instanceof Client c && c.shm != null ? c.shm.path() : null;
    }

    /** One running client process and its pipes: the state of one cell. */
    private final class Client implements OptState {
        private final Process process;
        private final OutputStream out;
        private final InputStream in;
        private final StderrTail stderr;
        private final String[] names;
        private final long[][] shapes;
        private final long[] sizes;
        /** Element offset of each tensor inside a region of the shared file. */
        private final long[] offsets;
        private final long totalElements;
        private final byte[] chunk = new byte[CHUNK];
        private final ByteBuffer chunkLe = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        /** The whole chunk as floats and as ints (views that ignore chunkLe's position). */
        private final FloatBuffer chunkFloats = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        private final java.nio.IntBuffer chunkBits = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        /** One chunk of an update (as floats and as bits) and of a parameter, for {@link #apply}. */
        private final float[] scratchU = new float[CHUNK / 4];
        private final float[] scratchP = new float[CHUNK / 4];
        private final int[] scratchBits = new int[CHUNK / 4];
        private int flags;
        /** The shared file when the client asked for it and lobench uses it; null: the tensors go over the pipes. */
        private SharedTensorFile shm;
        private volatile boolean timedOut;
        private long currentStep = -1;
        private boolean closed;

        Client(Process process, List<Param> params) {
            this.process = process;
            this.out = process.getOutputStream();
            this.in = process.getInputStream();
            this.stderr = new StderrTail(process.getErrorStream());
            int n = params.size();
            names = new String[n];
            shapes = new long[n][];
            sizes = new long[n];
            offsets = new long[n];
            long total = 0;
            for (int i = 0; i < n; i++) {
                NDArray a = params.get(i).array();
                if (a.getDataType() != DataType.FLOAT32) {
                    throw new ExternalOptimizerException("external optimizer: parameter '" + params.get(i).name()
                            + "' is " + a.getDataType() + "; the protocol carries float32 only");
                }
                names[i] = params.get(i).name();
                shapes[i] = a.getShape().getShape();
                sizes[i] = a.getShape().size();
                offsets[i] = total;
                total += sizes[i];
            }
            totalElements = total;
        }

        Object owner() {
            return ExternalOptimizer.this;
        }

        void handshake() {
            ScheduledFuture<?> dog = arm(initTimeoutSeconds);
            try {
                ByteBuffer b = ByteBuffer.allocate(initSize()).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(MAGIC).putInt(VERSION).putInt(0).putLong(runSteps).putInt(names.length);
                for (int i = 0; i < names.length; i++) {
                    byte[] nm = names[i].getBytes(StandardCharsets.UTF_8);
                    b.putInt(nm.length).put(nm).putInt(shapes[i].length);
                    for (long d : shapes[i]) {
                        b.putLong(d);
                    }
                }
                out.write(b.array(), 0, b.position());
                out.flush();
                readFully(4);
                int magic = chunkLe.getInt(0);
                if (magic != MAGIC) {
                    throw fail("bad handshake: expected the magic bytes LOBX, got 0x"
                            + String.format("%08x", Integer.reverseBytes(magic)) + " (does the client write anything "
                            + "else to stdout? log to stderr)", null);
                }
                readFully(8);
                int version = chunkLe.getInt(0);
                if (version != VERSION) {
                    throw fail("protocol version " + version + " not supported (lobench speaks " + VERSION + ")",
                            null);
                }
                flags = chunkLe.getInt(4);
                if ((flags & FLAG_SHM) != 0 && 4 * totalElements >= shmMinBytes) {
                    shareFile();
                }
            } catch (IOException e) {
                throw fail("handshake failed", e);
            } finally {
                dog.cancel(false);
            }
        }

        /**
         * Creates and maps the shared file, sends its path and layout (MSG_SHM) and waits for the client's
         * acknowledgment; then removes the path, since both sides have mapped it.
         */
        private void shareFile() throws IOException {
            try {
                shm = SharedTensorFile.create(totalElements, (flags & FLAG_SEND_PARAMS) != 0);
            } catch (IOException e) {
                throw fail("cannot create the shared memory file in " + SharedTensorFile.directory(), e);
            }
            byte[] path = shm.path().toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(40 + path.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(MSG_SHM).putInt(path.length).put(path).putLong(shm.size()).putLong(shm.paramsOffset())
                    .putLong(shm.gradsOffset()).putLong(shm.updatesOffset());
            out.write(b.array(), 0, b.position());
            out.flush();
            int status = readStatus("mapping the shared memory file");
            if (status != STATUS_OK) {
                throw fail("bad acknowledgment " + status + " of the shared memory file (expected 0 = ok or "
                        + "1 = error)", null);
            }
            shm.unlink();
        }

        /**
         * Reads a reply's status; an error status (with its message) becomes the failure, as {@code context}
         * says. Returns the status otherwise.
         */
        private int readStatus(String context) throws IOException {
            readFully(4);
            int status = chunkLe.getInt(0);
            if (status == STATUS_ERROR) {
                readFully(4);
                int len = chunkLe.getInt(0);
                if (len < 0 || len > 1 << 20) {
                    throw fail("error message of bad length " + len, null);
                }
                byte[] msg = in.readNBytes(len);
                throw fail("the client reported" + (context == null ? "" : " (" + context + ")") + ": "
                        + new String(msg, StandardCharsets.UTF_8).strip(), null, true);
            }
            return status;
        }

        private int initSize() {
            int n = 24;
            for (int i = 0; i < names.length; i++) {
                n += 8 + names[i].getBytes(StandardCharsets.UTF_8).length + 8 * shapes[i].length;
            }
            return n;
        }

        void step(List<Param> params, List<NDArray> grads, float loss, long step) {
            if (closed) {
                throw new IllegalStateException("external optimizer state is closed");
            }
            if (params.size() != names.length || grads.size() != names.length) {
                throw new IllegalArgumentException("expected " + names.length + " tensors, got " + params.size()
                        + " params and " + grads.size() + " gradients");
            }
            currentStep = step;
            ScheduledFuture<?> dog = arm(timeoutSeconds);
            try (GradMode.Scope noGrad = GradMode.disabled()) {
                if (shm != null) {
                    if ((flags & FLAG_SEND_PARAMS) != 0) {
                        for (int i = 0; i < names.length; i++) {
                            share(params.get(i).array(), shm.params(), i);
                        }
                    }
                    for (int i = 0; i < names.length; i++) {
                        share(grads.get(i), shm.grads(), i);
                    }
                }
                chunkLe.clear();
                chunkLe.putInt(MSG_STEP).putLong(step).putFloat(loss);
                out.write(chunk, 0, 16);
                if (shm == null) {
                    if ((flags & FLAG_SEND_PARAMS) != 0) {
                        for (Param p : params) {
                            send(p.array());
                        }
                    }
                    for (NDArray g : grads) {
                        send(g);
                    }
                }
                out.flush();
                int status = readStatus(null);
                if (status != STATUS_OK) {
                    throw fail("bad reply status " + status + " (expected 0 = ok or 1 = error)", null);
                }
                if (shm == null) {
                    for (int i = 0; i < names.length; i++) {
                        checkCount(i);
                        receiveInto(params.get(i), i);
                    }
                } else {
                    for (int i = 0; i < names.length; i++) {
                        checkCount(i);
                    }
                    for (int i = 0; i < names.length; i++) {
                        applyShared(params.get(i), i);
                    }
                }
            } catch (IOException e) {
                throw fail("pipe broken", e);
            } finally {
                dog.cancel(false);
            }
        }

        private void checkCount(int i) throws IOException {
            readFully(8);
            long count = chunkLe.getLong(0);
            if (count != sizes[i]) {
                throw fail("update of '" + names[i] + "' has " + count + " elements, expected " + sizes[i]
                        + " (shape " + java.util.Arrays.toString(shapes[i]) + ")", null);
            }
        }

        /** Copies {@code a}'s elements into tensor i's place of a region of the shared file (one memory copy). */
        private void share(NDArray a, FloatBuffer region, int i) {
            FloatBuffer src = NativeAccess.readable(a);
            if (src.capacity() != sizes[i]) {
                throw new IllegalArgumentException("tensor '" + names[i] + "' has " + src.capacity()
                        + " elements, expected " + sizes[i]);
            }
            region.put((int) offsets[i], src, 0, (int) sizes[i]);
        }

        /** Adds tensor i's update from the shared file to the parameter (see {@link #apply}). */
        private void applyShared(Param param, int i) {
            FloatBuffer u = shm.updates();
            apply(param, i, u, shm.updateBits(), (int) offsets[i], null);
        }

        /** Writes {@code a}'s elements as little-endian float32. */
        private void send(NDArray a) throws IOException {
            FloatBuffer src = NativeAccess.readable(a);
            int n = src.capacity();
            int perChunk = CHUNK / 4;
            for (int off = 0; off < n; off += perChunk) {
                int k = Math.min(perChunk, n - off);
                FloatBuffer dst = chunkLe.clear().asFloatBuffer();
                dst.put(dst.position(), src, off, k);
                out.write(chunk, 0, 4 * k);
            }
        }

        /** Reads tensor i's update from the pipe and adds it to the parameter (see {@link #apply}). */
        private void receiveInto(Param param, int i) throws IOException {
            apply(param, i, chunkFloats, chunkBits, 0, this::readChunk);
        }

        private void readChunk(int floats) throws IOException {
            readFully(4 * floats);
        }

        /** Fills the first {@code floats} elements of the source buffers (the pipe's chunk). */
        private interface Refill {
            void next(int floats) throws IOException;
        }

        /**
         * Adds tensor i's update {@code u} (the same memory read as floats and as ints: {@code bits}) to the
         * parameter, chunk by chunk, in place where DJL allows it. Every chunk is checked before it is applied: an
         * element is NaN or infinite exactly when its exponent bits are all ones, so {@code (bits & 0x7F800000) +
         * 0x00800000} sets the sign bit for those and no other (an integer OR that the JIT vectorises, like the
         * add). {@code refill}, if not null, reads each chunk into the buffers' start (the pipe); else the update
         * lies at {@code base} in the buffers (the shared file).
         */
        private void apply(Param param, int i, FloatBuffer u, java.nio.IntBuffer bits, int base, Refill refill) {
            NDArray p = param.array();
            FloatBuffer view = NativeAccess.view(p);
            int n = (int) sizes[i];
            float[] copy = view == null ? new float[n] : null;
            int perChunk = CHUNK / 4;
            try {
                for (int off = 0; off < n; off += perChunk) {
                    int k = Math.min(perChunk, n - off);
                    int from = base + off;
                    if (refill != null) {
                        refill.next(k);
                        from = 0;
                    }
                    bits.get(from, scratchBits, 0, k);
                    int acc = 0;
                    for (int j = 0; j < k; j++) {
                        acc |= (scratchBits[j] & 0x7F800000) + 0x00800000;
                    }
                    if (acc < 0) {
                        for (int j = 0; j < k; j++) {
                            float v = Float.intBitsToFloat(scratchBits[j]);
                            if (!Float.isFinite(v)) {
                                throw fail("non-finite update " + v + " for '" + names[i] + "' element " + (off + j),
                                        null);
                            }
                        }
                    }
                    if (view != null) {
                        u.get(from, scratchU, 0, k);
                        view.get(off, scratchP, 0, k);
                        for (int j = 0; j < k; j++) {
                            scratchP[j] += scratchU[j];
                        }
                        view.put(off, scratchP, 0, k);
                    } else {
                        u.get(from, copy, off, k);
                    }
                }
            } catch (IOException e) {
                throw fail("pipe broken", e);
            }
            if (copy != null) {
                try (NDArray a = p.getManager().create(copy, p.getShape())) {
                    p.addi(a);
                }
            }
        }

        private void readFully(int n) throws IOException {
            int got = in.readNBytes(chunk, 0, n);
            if (got != n) {
                throw fail(got == 0 ? "the client closed its stdout" : "short reply (" + got + " of " + n + " bytes)",
                        null);
            }
        }

        private ScheduledFuture<?> arm(double seconds) {
            long nanos = (long) (seconds * 1e9);
            return WATCHDOG.schedule(() -> {
                timedOut = true;
                kill();
            }, nanos, TimeUnit.NANOSECONDS);
        }

        /** The failure as the cell will record it: what happened, where, and the client's last stderr line. */
        private ExternalOptimizerException fail(String what, IOException cause) {
            return fail(what, cause, false);
        }

        /**
         * As above; {@code reported}: {@code what} is the client's own error message, which is the reason even when
         * the client exits right after sending it.
         */
        private ExternalOptimizerException fail(String what, IOException cause, boolean reported) {
            String where = currentStep < 0 ? "at init" : "at step " + currentStep;
            String reason;
            if (reported) {
                reason = what + " " + where;
            } else if (timedOut) {
                reason = "timed out after " + Hyperparams.format(currentStep < 0 ? initTimeoutSeconds : timeoutSeconds)
                        + " s " + where
                        + " (no reply; the client was killed)";
            } else {
                Integer code = exitCode();
                reason = code != null ? "the client exited with code " + code + " " + where
                        : what + " " + where + (cause != null ? ": " + cause.getMessage() : "");
            }
            String last = !timedOut && exitCode() != null ? stderr.lastLineAfterExit(2000) : stderr.lastLine();
            if (!timedOut && exitCode() == null) {
                kill();
            }
            if (shm != null) {
                shm.unlink();
            }
            return new ExternalOptimizerException("external optimizer '" + command + "' " + reason
                    + (last.isEmpty() ? "" : "; its stderr ends: " + last));
        }

        /** Kills the client and everything it started ({@code sh -c} may run the command as a child). */
        private void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        /** The exit code if the client has exited (waiting briefly: a crash closes the pipes just before). */
        private Integer exitCode() {
            try {
                if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                    return process.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public Map<String, float[]> export() {
            return Map.of();
        }

        @Override
        public void restore(Map<String, float[]> values) {
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("an external optimizer's state lives in the client process");
            }
        }

        @Override
        public long bytes() {
            return 0;
        }

        /** Sends END, closes the client's stdin and waits up to 5 s for it to exit, then kills it. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (process.isAlive()) {
                    chunkLe.clear();
                    chunkLe.putInt(MSG_END);
                    out.write(chunk, 0, 4);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the client is gone already
            }
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            } finally {
                if (shm != null) {
                    shm.close();
                }
            }
        }
    }
}
