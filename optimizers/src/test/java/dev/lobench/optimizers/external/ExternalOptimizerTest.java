package dev.lobench.optimizers.external;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.data.FashionMnist;
import dev.lobench.tasks.models.ClassifierInstance;
import dev.lobench.tasks.models.ClassifierTask;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExternalOptimizerTest {
    /** The shipped client library and NumPy Adam (the tests run in the optimizers module directory). */
    private static final Path EXAMPLES = Path.of("..", "examples", "ext-optimizer").toAbsolutePath().normalize();

    private static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void requirePython() {
        Assumptions.assumeTrue(pythonWithNumpy(),
                "SKIPPED: python3 with numpy not found (apt-get install -y python3-numpy); .ci/run installs it");
    }

    /** Random 8x8 "images" with labels: an MLP task on data made here (tests never read a real dataset). */
    private static FashionMnist.Data data() {
        Random r = new Random(11);
        return new FashionMnist.Data(Path.of("synthetic"), split(r, 512), split(r, 128));
    }

    private static FashionMnist.Split split(Random r, int n) {
        float[] px = new float[n * 64];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(10);
            for (int j = 0; j < 64; j++) { // class-dependent means, so the loss falls
                px[i * 64 + j] = (float) Math.min(1, Math.max(0, 0.1 * ((j * (labels[i] + 1)) % 9) + 0.2 * r.nextGaussian()));
            }
        }
        return new FashionMnist.Split(n, 8, px, labels);
    }

    /** Trains fmnist8-mlp32 (2,410 parameters) for {@code steps} steps; returns the losses and final parameters. */
    private static List<float[]> train(Optimizer opt, int steps, float[] losses) {
        return train(opt, steps, losses, st -> { });
    }

    /** As above; {@code atInit} sees the optimizer state right after init. */
    private static List<float[]> train(Optimizer opt, int steps, float[] losses,
                                       java.util.function.Consumer<OptState> atInit) {
        ClassifierTask task = (ClassifierTask) TaskRegistry.get("fmnist8-mlp32");
        FashionMnist.Data d = data();
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = task.instantiate(m, 3, d)) {
            List<Param> params = inst.params();
            try (OptState st = opt.init(params)) {
                atInit.accept(st);
                for (int t = 0; t < steps; t++) {
                    losses[t] = inst.trainStep();
                    opt.update(params, inst.grads(), losses[t], t, st);
                }
            }
            List<float[]> out = new ArrayList<>();
            for (Param p : params) {
                out.add(p.array().toFloatArray());
            }
            return out;
        }
    }

    @Test
    void numpyAdamReproducesLobenchAdamOver100Steps() {
        requirePython();
        int steps = 100;
        float[] la = new float[steps];
        float[] lb = new float[steps];
        List<float[]> a = train(OptimizerRegistry.create("adam:lr=3e-3", steps), steps, la);
        List<float[]> b = train(OptimizerRegistry.create("ext:cmd=python3 " + EXAMPLES.resolve("adam.py")
                + " --lr 3e-3", steps), steps, lb);
        assertTrue(la[steps - 1] < 0.8 * la[0], "training makes progress: " + la[0] + " -> " + la[steps - 1]);
        for (int t = 0; t < steps; t++) {
            assertEquals(la[t], lb[t], 1e-6 * Math.abs(la[t]), "loss at step " + t);
        }
        for (int k = 0; k < a.size(); k++) {
            double rel = dev.lobench.optimizers.RelativeError.l2(a.get(k), b.get(k));
            assertTrue(rel <= 1e-6, "tensor " + k + ": relative L2 difference " + rel);
        }
    }

    /** Trains with lobench's {@code reference} and the NumPy client {@code client}; both must agree to 1e-6. */
    private static void assertSameTraining(String reference, String client, java.util.function.Consumer<OptState> atInit) {
        int steps = 100;
        float[] la = new float[steps];
        float[] lb = new float[steps];
        List<float[]> a = train(OptimizerRegistry.create(reference, steps), steps, la);
        List<float[]> b = train(OptimizerRegistry.create(client, steps), steps, lb, atInit);
        assertTrue(la[steps - 1] < 0.8 * la[0], "training makes progress: " + la[0] + " -> " + la[steps - 1]);
        for (int t = 0; t < steps; t++) {
            assertEquals(la[t], lb[t], 1e-6 * Math.abs(la[t]), "loss at step " + t);
        }
        for (int k = 0; k < a.size(); k++) {
            double rel = dev.lobench.optimizers.RelativeError.l2(a.get(k), b.get(k));
            assertTrue(rel <= 1e-6, "tensor " + k + ": relative L2 difference " + rel);
        }
    }

    /** Checks at init that the state uses a shared file, in /dev/shm (or the temp dir), already unlinked. */
    private static java.util.function.Consumer<OptState> sharedAndUnlinked(List<Path> seen) {
        return st -> {
            Path f = ExternalOptimizer.sharedFile(st);
            assertTrue(f != null, "the client asked for shared memory and got it");
            assertEquals(SharedTensorFile.directory(), f.getParent());
            assertFalse(Files.exists(f), "unlinked once the client mapped it: " + f);
            seen.add(f);
        };
    }

    @Test
    void numpyAdamOverSharedMemoryReproducesLobenchAdamOver100Steps() {
        requirePython();
        List<Path> seen = new ArrayList<>();
        assertSameTraining("adam:lr=3e-3", "ext:cmd=python3 " + EXAMPLES.resolve("adam.py") + " --lr 3e-3 --shm",
                sharedAndUnlinked(seen));
        assertEquals(1, seen.size());
    }

    @Test
    void numpyAdamWOverSharedMemoryReadsTheParametersFromTheFile() {
        requirePython();
        List<Path> seen = new ArrayList<>();
        // --wd asks for the parameters (flag bit 0): the file then has a parameter region too
        assertSameTraining("adamw:lr=3e-3,wd=0.1", "ext:cmd=python3 " + EXAMPLES.resolve("adam.py")
                + " --lr 3e-3 --wd 0.1 --decoupled --shm", sharedAndUnlinked(seen));
        assertEquals(1, seen.size());
    }

    @Test
    void belowShmMinAClientThatAsksForSharedMemoryGetsThePipes() {
        requirePython();
        // fmnist8-mlp32's gradients are 9,640 bytes
        List<Path> seen = new ArrayList<>();
        assertSameTraining("adam:lr=3e-3", "ext:cmd=python3 " + EXAMPLES.resolve("adam.py")
                + " --lr 3e-3 --shm,shm_min=9641", st -> seen.add(ExternalOptimizer.sharedFile(st)));
        assertEquals(java.util.Arrays.asList((Path) null), seen);
        assertEquals("ext(cmd=python3 a.py --shm,shm_min=9641)",
                OptimizerRegistry.canonical("ext:cmd=python3 a.py --shm,shm_min=9641", 0));
    }

    /** A client built on the shipped library that misbehaves at step 2 in the way {@code mode} says. */
    private static Optimizer misbehaving(Path dir, String mode, double timeout) throws IOException {
        return misbehaving(dir, mode, timeout, false);
    }

    private static Optimizer misbehaving(Path dir, String mode, double timeout, boolean shm) throws IOException {
        Path script = dir.resolve("bad_" + mode + (shm ? "_shm" : "") + ".py");
        Files.writeString(script, String.join("\n",
                "import os, sys, time",
                "sys.path.insert(0, " + pyString(EXAMPLES.toString()) + ")",
                "import numpy as np",
                "from lobench_ext import serve",
                "class Bad:",
                "    def __init__(self, shapes): self.shapes = shapes",
                "    def step(self, step, loss, grads, params):",
                "        u = [np.zeros(s, np.float32) for s in self.shapes]",
                "        if step == 2:",
                "            mode = " + pyString(mode),
                "            if mode == 'crash': print('segfault-like crash', file=sys.stderr, flush=True); os._exit(9)",
                "            if mode == 'hang': time.sleep(600)",
                "            if mode == 'nan': u[0].reshape(-1)[1] = np.nan",
                "            if mode == 'inf': u[1].reshape(-1)[0] = -np.inf",
                "            if mode == 'shape': u[0] = np.zeros(3, np.float32)",
                "            if mode == 'raise': raise ValueError('learning rate exploded')",
                "        return u",
                "serve(lambda names, shapes, steps: Bad(shapes), shm=" + (shm ? "True" : "False") + ")", ""));
        return OptimizerRegistry.create("ext:cmd=python3 " + script + ",timeout=" + timeout);
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Runs steps until the client fails; returns the failure. */
    private static ExternalOptimizerException failure(Optimizer opt) {
        return failure(opt, new ArrayList<>());
    }

    /** As above; adds the state's shared file (or null) to {@code files}. */
    private static ExternalOptimizerException failure(Optimizer opt, List<Path> files) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray bias = m.create(0.5f);
            List<Param> params = List.of(new Param("w", w), new Param("b", bias));
            List<NDArray> grads = List.of(m.ones(w.getShape()), m.create(1f));
            try (OptState st = opt.init(params)) {
                files.add(ExternalOptimizer.sharedFile(st));
                return assertThrows(ExternalOptimizerException.class, () -> {
                    for (int t = 0; t < 5; t++) {
                        opt.update(params, grads, 1f, t, st);
                    }
                });
            }
        }
    }

    @Test
    void crashHangNanWrongShapeAndClientErrorsAreReportedWithTheReason(@TempDir Path dir) throws IOException {
        requirePython();
        String crash = failure(misbehaving(dir, "crash", 30)).getMessage();
        assertTrue(crash.contains("exited with code 9 at step 2") && crash.contains("segfault-like crash"), crash);
        long t0 = System.nanoTime();
        String hang = failure(misbehaving(dir, "hang", 1)).getMessage();
        assertTrue(hang.contains("timed out after 1 s at step 2"), hang);
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "the hang is cut by the timeout");
        String nan = failure(misbehaving(dir, "nan", 30)).getMessage();
        assertTrue(nan.contains("non-finite update NaN for 'w' element 1") && nan.contains("at step 2"), nan);
        String shape = failure(misbehaving(dir, "shape", 30)).getMessage();
        assertTrue(shape.contains("update of 'w' has 3 elements, expected 4 (shape [2, 2])"), shape);
        String raised = failure(misbehaving(dir, "raise", 30)).getMessage();
        assertTrue(raised.contains("the client reported: ValueError: learning rate exploded"), raised);
    }

    @Test
    void overSharedMemoryCrashHangNanWrongShapeAndClientErrorsAreReportedAndNoFileRemains(@TempDir Path dir)
            throws IOException {
        requirePython();
        List<Path> files = new ArrayList<>();
        String crash = failure(misbehaving(dir, "crash", 30, true), files).getMessage();
        assertTrue(crash.contains("exited with code 9 at step 2") && crash.contains("segfault-like crash"), crash);
        long t0 = System.nanoTime();
        String hang = failure(misbehaving(dir, "hang", 1, true), files).getMessage();
        assertTrue(hang.contains("timed out after 1 s at step 2"), hang);
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "the hang is cut by the timeout");
        String nan = failure(misbehaving(dir, "nan", 30, true), files).getMessage();
        assertTrue(nan.contains("non-finite update NaN for 'w' element 1") && nan.contains("at step 2"), nan);
        String inf = failure(misbehaving(dir, "inf", 30, true), files).getMessage();
        assertTrue(inf.contains("non-finite update -Infinity for 'b' element 0") && inf.contains("at step 2"), inf);
        String shape = failure(misbehaving(dir, "shape", 30, true), files).getMessage();
        assertTrue(shape.contains("update of 'w' has 3 elements, expected 4 (shape [2, 2])"), shape);
        String raised = failure(misbehaving(dir, "raise", 30, true), files).getMessage();
        assertTrue(raised.contains("the client reported: ValueError: learning rate exploded"), raised);
        assertEquals(6, files.size());
        for (Path f : files) {
            assertTrue(f != null, "every client used the shared file");
            assertFalse(Files.exists(f), "no file remains: " + f);
        }
    }

    /**
     * A raw client (no library) that asks for shared memory and then, on the SHM message, writes the file's path
     * to {@code pathOut} and either exits with code 7 ({@code crash}), reports an error ({@code refuse}), or
     * acknowledges and writes what it found of the layout it was sent to {@code pathOut}.layout ({@code check}).
     */
    private static Optimizer rawShmClient(Path dir, String mode, Path pathOut) throws IOException {
        Path script = dir.resolve("raw_" + mode + ".py");
        Files.writeString(script, String.join("\n",
                "import os, struct, sys",
                "fin, fout = sys.stdin.buffer, sys.stdout.buffer",
                "magic, version, flags, steps, n = struct.unpack('<4sIIqI', fin.read(24))",
                "sizes = []",
                "for _ in range(n):",
                "    (l,) = struct.unpack('<I', fin.read(4)); fin.read(l)",
                "    (r,) = struct.unpack('<I', fin.read(4)); shape = struct.unpack('<%dq' % r, fin.read(8 * r))",
                "    k = 1",
                "    for d in shape: k *= d",
                "    sizes.append(k)",
                "fout.write(struct.pack('<4sII', b'LOBX', 1, 3)); fout.flush()  # bits 0 and 1: params, shm",
                "(msg, l) = struct.unpack('<II', fin.read(8))",
                "path = fin.read(l).decode()",
                "size, po, go, uo = struct.unpack('<qqqq', fin.read(32))",
                "open(" + pyString(pathOut.toString()) + ", 'w').write(path)",
                "mode = " + pyString(mode),
                "if mode == 'crash': os._exit(7)",
                "if mode == 'refuse':",
                "    m = b'no space left on device'",
                "    fout.write(struct.pack('<II', 1, len(m)) + m); fout.flush(); sys.exit(0)",
                "region = -(-4 * sum(sizes) // 64) * 64",
                "ok = msg == 3 and os.path.getsize(path) == size == 3 * region and (po, go, uo) == (0, region, 2 * region)",
                "fout.write(struct.pack('<I', 0)); fout.flush()",
                "(end,) = struct.unpack('<I', fin.read(4))",
                "open(" + pyString(pathOut + ".layout") + ", 'w').write('%s %d %d %d %d %d %d' % (ok, msg, size, po, go, uo, end))",
                ""));
        return OptimizerRegistry.create("ext:cmd=python3 " + script + ",init_timeout=30");
    }

    @Test
    void theSharedFileIsRemovedWhenTheClientCrashesOrRefusesBeforeMappingIt(@TempDir Path dir) throws Exception {
        requirePython();
        try (NDManager m = NDManager.newBaseManager()) {
            List<Param> params = List.of(new Param("w", m.zeros(new ai.djl.ndarray.types.Shape(5, 3))),
                    new Param("b", m.zeros(new ai.djl.ndarray.types.Shape(3))));
            Path crashPath = dir.resolve("crash.path");
            ExternalOptimizerException e = assertThrows(ExternalOptimizerException.class,
                    () -> rawShmClient(dir, "crash", crashPath).init(params));
            assertTrue(e.getMessage().contains("exited with code 7 at init"), e.getMessage());
            Path crashed = Path.of(Files.readString(crashPath));
            assertEquals(SharedTensorFile.directory(), crashed.getParent());
            assertFalse(Files.exists(crashed), "removed after the crash: " + crashed);

            Path refusePath = dir.resolve("refuse.path");
            e = assertThrows(ExternalOptimizerException.class, () -> rawShmClient(dir, "refuse", refusePath).init(params));
            assertTrue(e.getMessage().contains("the client reported (mapping the shared memory file): no space left "
                    + "on device") && e.getMessage().contains("at init"), e.getMessage());
            assertFalse(Files.exists(Path.of(Files.readString(refusePath))));

            // a well-behaved raw client sees the documented layout: 20 floats per region, regions of 128 bytes
            Path okPath = dir.resolve("ok.path");
            Optimizer ok = rawShmClient(dir, "check", okPath);
            OptState st = ok.init(params);
            Path f = ExternalOptimizer.sharedFile(st);
            assertEquals(Path.of(Files.readString(okPath)), f);
            st.close();
            assertFalse(Files.exists(f));
            // 20 floats per region = 80 bytes, rounded up to 128; parameter, gradient, update regions; then END
            assertEquals("True 3 384 0 128 256 2", Files.readString(Path.of(okPath + ".layout")));
        }
    }

    @Test
    void aClientThatDiesOrSpeaksAnotherProtocolFailsAtInit() {
        Optimizer dies = OptimizerRegistry.create("ext:cmd=echo cannot import torch >&2; exit 3");
        try (NDManager m = NDManager.newBaseManager()) {
            List<Param> params = List.of(new Param("w", m.zeros(new ai.djl.ndarray.types.Shape(3))));
            ExternalOptimizerException e = assertThrows(ExternalOptimizerException.class, () -> dies.init(params));
            assertTrue(e.getMessage().contains("exited with code 3 at init")
                    && e.getMessage().contains("cannot import torch"), e.getMessage());
            Optimizer chatty = OptimizerRegistry.create("ext:cmd=echo hello; cat > /dev/null");
            e = assertThrows(ExternalOptimizerException.class, () -> chatty.init(params));
            assertTrue(e.getMessage().contains("expected the magic bytes LOBX"), e.getMessage());
        }
    }

    @Test
    void specErrorsAreUserErrors() {
        UserError e = assertThrows(UserError.class, () -> OptimizerRegistry.create("ext"));
        assertTrue(e.getMessage().contains("give the client's command"), e.getMessage());
        e = assertThrows(UserError.class, () -> OptimizerRegistry.create("ext:cmd=true,timeout=0"));
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        assertEquals("ext(cmd=python3 x.py --lr 1e-3)", OptimizerRegistry.canonical("ext:cmd=python3 x.py --lr 1e-3", 0));
    }
}
