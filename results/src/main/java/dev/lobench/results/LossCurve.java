package dev.lobench.results;

/**
 * The training-loss record of a cell in steps: which steps each entry of {@link CellRecord#trainLoss()} stands for,
 * and the per-step curve the step-based metrics read (docs/metrics.md "Strided records", docs/results-schema.md).
 *
 * <p>A per-step record (no {@code lossEvery}, or 1): entry t is the minibatch loss of step t, measured before update t;
 * n = the number of entries = the steps run.
 *
 * <p>A strided record ({@code run --loss-every K}, K &gt; 1; the cell records {@code lossEvery} = K and {@code stepsRun}
 * = n, the steps run): the steps 0 .. n-1 are cut into blocks of K consecutive steps from step 0 and each entry is the
 * mean of its block's minibatch losses (the last block may be shorter: the mean of the steps it has). A cell that
 * stopped early (any outcome but {@code completed}: a diverged loss, an error) records the loss of its last step
 * n-1, the one that stopped it, as an entry of its own: its blocks cover steps 0 .. n-2 (the last of them may be
 * shorter), then one entry for step n-1 alone. Every loss before the last step passed the divergence check, so every
 * entry but the last is finite, and the last entry is exactly the last step's loss, as in a per-step record.
 *
 * <p>An entry is placed at its block's last step ({@link #ends}). {@link #perStep} is the curve in steps that the
 * step-based metrics (speedup, performance profile, matched overhead, loss plots) read: for a per-step record its
 * losses; for a strided one the value at step 0 is the cell's {@code initialLoss} (step 0's own loss), at each
 * entry's last step the entry, and linear in between.
 */
public final class LossCurve {
    private LossCurve() {}

    /** The cell's {@code lossEvery}: the recorded value, 1 when absent (every record before strided records). */
    public static int every(CellRecord c) {
        return c.lossEvery() == null ? 1 : c.lossEvery();
    }

    /** The number of steps run: {@code stepsRun} when recorded, else the number of recorded losses (0 for none). */
    public static int stepsRun(CellRecord c) {
        if (c.stepsRun() != null) {
            return c.stepsRun();
        }
        return c.trainLoss() == null ? 0 : c.trainLoss().length;
    }

    /** The number of entries a record of {@code n} steps run at stride {@code every} holds (see the class comment). */
    public static int entries(int n, int every, boolean completed) {
        if (n <= 0) {
            return 0;
        }
        if (completed || every == 1) {
            return ceilDiv(n, every);
        }
        return ceilDiv(n - 1, every) + 1;
    }

    /** The last step (inclusive) of each entry of a record of {@code n} steps at stride {@code every}. */
    public static int[] ends(int n, int every, boolean completed) {
        int[] e = new int[entries(n, every, completed)];
        int regular = completed || every == 1 ? n : n - 1;   // steps covered by blocks of `every`
        int i = 0;
        for (int start = 0; start < regular; start += every) {
            e[i++] = Math.min(start + every, regular) - 1;
        }
        if (i < e.length) {
            e[i] = n - 1;   // the last step of a cell that stopped early, alone
        }
        return e;
    }

    /** {@link #ends(int, int, boolean)} of a cell. */
    public static int[] ends(CellRecord c) {
        return ends(stepsRun(c), every(c), c.outcome() == Outcome.completed);
    }

    /**
     * The strided record of the per-step losses {@code losses[0 .. n-1]} (the class comment): each entry is the mean of
     * its block, summed in step order in double and rounded to float once (a one-step entry is its loss exactly). With
     * {@code every} = 1, the losses themselves.
     */
    public static float[] summarise(float[] losses, int n, int every, boolean completed) {
        if (every < 1) {
            throw new IllegalArgumentException("lossEvery must be >= 1, got " + every);
        }
        int[] ends = ends(n, every, completed);
        float[] out = new float[ends.length];
        int start = 0;
        for (int i = 0; i < ends.length; i++) {
            double s = 0;
            for (int t = start; t <= ends[i]; t++) {
                s += losses[t];
            }
            int size = ends[i] - start + 1;
            out[i] = size == 1 ? losses[start] : (float) (s / size);
            start = ends[i] + 1;
        }
        return out;
    }

    /**
     * What is wrong with a cell's loss layout, or null: {@code lossEvery} below 1, a strided record without
     * {@code stepsRun} (or a per-step one with it), more steps run than given, a completed cell that did not run all
     * its steps, or a {@code trainLoss} length that is not the number of entries of the class comment.
     */
    public static String layoutProblem(CellRecord c) {
        int k = every(c);
        int len = c.trainLoss() == null ? 0 : c.trainLoss().length;
        if (k < 1) {
            return "lossEvery " + k + " (must be >= 1)";
        }
        if (k == 1) {
            return c.stepsRun() == null || c.stepsRun() == len ? null
                    : "stepsRun " + c.stepsRun() + " but " + len + " per-step training losses";
        }
        if (c.stepsRun() == null) {
            return "lossEvery " + k + " without stepsRun";
        }
        int n = c.stepsRun();
        if (n < 0 || n > c.steps()) {
            return "stepsRun " + n + " outside 0.." + c.steps();
        }
        boolean completed = c.outcome() == Outcome.completed;
        if (completed && n != c.steps()) {
            return "a completed cell ran " + n + " of its " + c.steps() + " steps";
        }
        int want = entries(n, k, completed);
        return want == len ? null : "trainLoss has " + len + " entries, lossEvery " + k + " over " + n
                + " steps run" + (completed ? "" : " (stopped early)") + " makes " + want;
    }

    /**
     * The per-step curve of the class comment: {@code stepsRun} values, step t at index t. A per-step record's own
     * array (not a copy); an empty array when nothing was recorded.
     */
    public static float[] perStep(CellRecord c) {
        float[] v = c.trainLoss();
        if (v == null) {
            return new float[0];
        }
        if (every(c) == 1) {
            return v;
        }
        int[] ends = ends(c);
        int n = stepsRun(c);
        float[] out = new float[n];
        if (ends.length == 0) {
            return out;
        }
        // the point before the first entry: step 0's own loss (the initial loss), else the first entry held back
        int prevStep = 0;
        double prev = Double.isFinite(c.initialLoss()) ? c.initialLoss() : v[0];
        int from = 0;
        for (int i = 0; i < ends.length; i++) {
            int s = ends[i];
            double x = v[i];
            for (int t = from; t <= s; t++) {
                out[t] = t == s ? v[i] : (float) (prev + (x - prev) * (t - prevStep) / (double) (s - prevStep));
            }
            prevStep = s;
            prev = x;
            from = s + 1;
        }
        return out;
    }

    /**
     * The mean of the losses of the last {@code k} steps run (steps n-k .. n-1), each entry weighted by how many of
     * those steps its block holds; for a per-step record the plain mean of the last k entries. NaN when k is 0 or a
     * weighted entry is not finite.
     */
    public static double tailMean(CellRecord c, int k) {
        float[] v = c.trainLoss();
        int n = stepsRun(c);
        if (v == null || k <= 0 || n <= 0) {
            return Double.NaN;
        }
        int from = Math.max(0, n - k);
        int[] ends = ends(c);
        double sum = 0;
        int start = 0;
        for (int i = 0; i < ends.length; i++) {
            int lo = Math.max(start, from);
            int w = ends[i] - lo + 1;
            if (w > 0) {
                sum += w == 1 ? v[i] : (double) v[i] * w;
            }
            start = ends[i] + 1;
        }
        return Double.isFinite(sum) ? sum / Math.min(k, n) : Double.NaN;
    }

    /** The mean over every step run: each entry weighted by its block's size; NaN when no step was run. */
    public static double mean(CellRecord c) {
        float[] v = c.trainLoss();
        int n = stepsRun(c);
        if (v == null || n <= 0) {
            return Double.NaN;
        }
        int[] ends = ends(c);
        double s = 0;
        int start = 0;
        for (int i = 0; i < ends.length; i++) {
            int w = ends[i] - start + 1;
            s += w == 1 ? v[i] : (double) v[i] * w;
            start = ends[i] + 1;
        }
        return s / n;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
