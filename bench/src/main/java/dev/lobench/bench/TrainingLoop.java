package dev.lobench.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.results.CellRecord;
import dev.lobench.results.EvalPoint;
import dev.lobench.results.LossCurve;
import dev.lobench.results.Outcome;
import dev.lobench.results.Schema;
import dev.lobench.results.Timing;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Evaluation;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one cell and returns its record. The loop per step: draw minibatch + forward + backward (timed as
 * forward+backward), check the loss, optimizer update (timed as update). A cell diverges when its minibatch
 * loss is NaN/Inf or exceeds {@value #DIVERGENCE_FACTOR} x the initial loss (the cell's own factor when
 * {@code run --divergence-factor} set one; it is then recorded in the cell's {@code meta.divergenceFactor}); the
 * cell then stops and is recorded with the curve up to that step. The check runs on every step whatever the cell's
 * {@code lossEvery}; a cell with {@code lossEvery} K &gt; 1 then records its losses as block means of K steps
 * ({@link LossCurve#summarise}: a cell that stopped early has its last step's loss as an entry of its own) with
 * {@code lossEvery} and {@code stepsRun}; with K = 1 the record is the per-step one, as always. Exceptions inside a cell are recorded as outcome {@code error}, except
 * {@link UserError} which is the user's mistake and propagates.
 */
public final class TrainingLoop {
    public static final double DIVERGENCE_FACTOR = 10.0;
    static final int WARMUP_STEPS = 5;

    /** Callback per step for progress display. */
    public interface Listener {
        void onStep(int step, float loss);
    }

    private TrainingLoop() {}

    public static CellRecord run(CellSpec cell, Optimizer optimizer, DataContext data, String lobenchVersion,
            boolean inMetaTrainingSet, Listener listener) {
        return run(cell, optimizer, ai.djl.Device.cpu(), data, lobenchVersion, inMetaTrainingSet, listener);
    }

    /**
     * One cell with the task's tensors on {@code device} (its NDManager's device). {@code optimizer} is the cell's
     * spec built ({@link dev.lobench.optimizers.TypedOptimizerSpec#build}); the record names the spec's canonical
     * text, base name, typed parameters and tuned group.
     */
    public static CellRecord run(CellSpec cell, Optimizer optimizer, ai.djl.Device device, DataContext data,
            String lobenchVersion, boolean inMetaTrainingSet, Listener listener) {
        Map<String, Object> optimizerParams = cell.spec().params();
        int steps = cell.steps();
        float[] losses = new float[steps];
        long[] fb = new long[steps];
        long[] up = new long[steps];
        List<EvalPoint> evals = new ArrayList<>();
        List<Map<String, Object>> paramStats = cell.paramStats() ? new ArrayList<>() : null;
        int done = 0;
        Outcome outcome = Outcome.completed;
        String detail = null;
        double initialLoss = Double.NaN;
        double evalSeconds = 0;
        long numParams = cell.task().numParams();
        long wallStart = System.nanoTime();
        long peakBefore = ProcStatus.peakRssBytes();
        try (NDManager manager = NDManager.newBaseManager(device);
                TaskInstance instance = cell.task().instantiate(manager, cell.seed(), data)) {
            List<Param> params = instance.params();
            numParams = instance.numParams();
            try (OptState state = optimizer.init(params)) {
                long e0 = System.nanoTime();
                evals.add(point(0, instance.evaluate()));
                addParamStats(paramStats, 0, params);
                evalSeconds += (System.nanoTime() - e0) / 1e9;
                for (int t = 0; t < steps; t++) {
                    long a = System.nanoTime();
                    float loss = instance.trainStep();
                    long b = System.nanoTime();
                    losses[t] = loss;
                    fb[t] = b - a;
                    done = t + 1;
                    if (t == 0) {
                        initialLoss = loss;
                    }
                    if (!Float.isFinite(loss)) {
                        outcome = Outcome.diverged;
                        detail = "non-finite loss " + loss + " at step " + t;
                        break;
                    }
                    if (Double.isFinite(initialLoss)
                            && loss > cell.divergenceFactor() * Math.max(initialLoss, 1e-12)) {
                        outcome = Outcome.diverged;
                        double f = cell.divergenceFactor();
                        detail = String.format(java.util.Locale.ROOT, "loss %.4g > %sx initial loss %.4g at step %d",
                                loss, f == Math.rint(f) ? String.valueOf((long) f) : String.valueOf(f), initialLoss, t);
                        break;
                    }
                    List<NDArray> grads = instance.grads();
                    optimizer.update(params, grads, loss, t, state);
                    up[t] = System.nanoTime() - b;
                    if (listener != null) {
                        listener.onStep(t + 1, loss);
                    }
                    boolean last = t == steps - 1;
                    if (last || (cell.evalEvery() > 0 && (t + 1) % cell.evalEvery() == 0)) {
                        long e1 = System.nanoTime();
                        Evaluation ev = instance.evaluate();
                        evalSeconds += (System.nanoTime() - e1) / 1e9;
                        evals.add(point(t + 1, ev));
                        addParamStats(paramStats, t + 1, params);
                        if (!Double.isFinite(ev.loss())) {
                            outcome = Outcome.diverged;
                            detail = "non-finite test loss at step " + (t + 1);
                            break;
                        }
                    }
                }
            }
        } catch (UserError e) {
            throw e;
        } catch (OutOfMemoryError e) {
            outcome = Outcome.out_of_memory;
            detail = String.valueOf(e.getMessage());
        } catch (RuntimeException e) {
            outcome = Outcome.error;
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        double wall = (System.nanoTime() - wallStart) / 1e9;
        int timed = Math.max(0, done - (outcome == Outcome.completed ? 0 : 1));
        Timing timing = new Timing(wall, sum(fb, done) / 1e9, sum(up, timed) / 1e9, evalSeconds,
                medianMs(add(fb, up, timed), timed), medianMs(fb, timed), medianMs(up, timed), WARMUP_STEPS);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("evalEvery", cell.evalEvery());
        if (!cell.optimizerIdentity().equals(cell.optimizer())) {
            // e.g. star with weights=auto: which weights (theta SHA-256) the name stood for when this cell ran
            meta.put("optimizerIdentity", cell.optimizerIdentity());
        }
        if (paramStats != null) {
            meta.put("paramStats", paramStats);
        }
        if (!cell.defaultDivergence()) {
            double f = cell.divergenceFactor();
            meta.put("divergenceFactor", Double.isInfinite(f) ? (Object) "inf" : (Object) f);   // JSON has no inf
        }
        if (!inMetaTrainingSet) {
            Map<String, Object> ood = MetaTrainingSet.describe(cell.spec().base(), optimizerParams,
                    cell.task(), steps);
            if (!ood.isEmpty()) {
                meta.put("ood", ood);
            }
        }
        // Process memory: VmHWM is the process's peak RSS so far (monotone: it only grows over a suite). A cell whose
        // peakRssAfterBytes exceeds peakRssBeforeBytes set a new process peak; otherwise its own peak is not above it.
        meta.put("peakRssBeforeBytes", peakBefore);
        meta.put("peakRssAfterBytes", ProcStatus.peakRssBytes());
        meta.put("rssAfterBytes", ProcStatus.rssBytes());
        int k = cell.lossEvery();
        float[] recorded = k == 1 ? Arrays.copyOf(losses, done)
                : LossCurve.summarise(losses, done, k, outcome == Outcome.completed);
        return new CellRecord(CellRecord.TYPE, Schema.VERSION, cell.key(lobenchVersion), cell.task().name(),
                cell.task().family(), new LinkedHashMap<>(cell.task().parameters()), inMetaTrainingSet,
                cell.optimizer(), cell.spec().base(), new LinkedHashMap<>(optimizerParams), cell.spec().tunedGroup(),
                cell.seed(), steps, numParams, outcome, detail, initialLoss, k == 1 ? null : k, k == 1 ? null : done,
                recorded, evals, timing, meta);
    }

    /**
     * With {@code run --param-stats}: each parameter tensor's L2 norm and largest magnitude at an evaluation step
     * (weight growth is what long runs past a learned optimizer's horizon are diagnosed by). Non-finite values are
     * written as null.
     */
    private static void addParamStats(List<Map<String, Object>> out, int step, List<Param> params) {
        if (out == null) {
            return;
        }
        Map<String, Object> l2 = new LinkedHashMap<>();
        Map<String, Object> maxAbs = new LinkedHashMap<>();
        for (Param p : params) {
            float[] v = p.array().toFloatArray();
            double ss = 0;
            double m = 0;
            for (float x : v) {
                ss += (double) x * x;
                m = Math.max(m, Math.abs(x));
            }
            double norm = Math.sqrt(ss);
            l2.put(p.name(), Double.isFinite(norm) ? norm : null);
            maxAbs.put(p.name(), Double.isFinite(m) ? m : null);
        }
        Map<String, Object> at = new LinkedHashMap<>();
        at.put("step", step);
        at.put("l2", l2);
        at.put("maxAbs", maxAbs);
        out.add(at);
    }

    private static EvalPoint point(int step, Evaluation e) {
        return new EvalPoint(step, e.loss(), e.accuracy(), e.bitsPerByte());
    }

    private static long sum(long[] a, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i];
        }
        return s;
    }

    private static long[] add(long[] a, long[] b, int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    /** Median in ms over steps after the warm-up (all steps when there are too few). */
    static double medianMs(long[] nanos, int n) {
        int from = n > 2 * WARMUP_STEPS ? WARMUP_STEPS : 0;
        if (n - from <= 0) {
            return Double.NaN;
        }
        long[] c = Arrays.copyOfRange(nanos, from, n);
        Arrays.sort(c);
        int m = c.length;
        double med = m % 2 == 1 ? c[m / 2] : (c[m / 2 - 1] + c[m / 2]) / 2.0;
        return med / 1e6;
    }
}
