package dev.lobench.bench;

import java.util.List;

/**
 * The remaining wall time of a plan, for the progress line.
 *
 * <p>Every cell has a cost: its wall time estimated from this machine's calibration
 * ({@link Calibration#estimateSeconds(CellSpec)}, the estimate {@code lobench list suites} prints), so a CNN cell
 * weighs more than an MLP cell of the same steps. A cell the calibration does not cover costs its steps times the
 * mean estimated seconds per step of the covered cells; when none is covered every cell costs its steps (every
 * step then costs the same). Within a cell, cost accrues in proportion to the steps done.
 *
 * <p>The remaining cost is scaled by the speed measured so far: remaining = remaining cost x seconds / cost done
 * since the first observation ({@link #remainingSeconds(int, int, double)}'s first call, at the first step): the
 * time before it (loading the first task's data, the JIT's and libtorch's first work) is paid once per process and
 * says nothing about the cells left. Before any speed is measured the calibrated estimate is taken as it is
 * (unknown without a calibration). Cells skipped on {@code --resume} are neither done nor remaining: they took no
 * time here.
 */
public final class Eta {
    private final double[] cost;
    private final int[] steps;
    private final boolean seconds;
    private final boolean[] settled;
    private double total;
    private double done;
    private double skipped;
    private double originCost = Double.NaN;
    private double originElapsed;

    /**
     * @param cost per cell, in estimated seconds when {@code seconds}, otherwise in any unit (e.g. steps)
     * @param steps per cell, the steps over which its cost accrues
     */
    public Eta(double[] cost, int[] steps, boolean seconds) {
        if (cost.length != steps.length) {
            throw new IllegalArgumentException("cost and steps differ in length");
        }
        this.cost = cost.clone();
        this.steps = steps.clone();
        this.seconds = seconds;
        this.settled = new boolean[cost.length];
        for (double c : cost) {
            if (!(c >= 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("cell cost must be finite and >= 0, got " + c);
            }
            total += c;
        }
    }

    /** Costs of the cells from {@code cal} (see the class comment). */
    public static Eta of(List<CellSpec> cells, Calibration cal) {
        int n = cells.size();
        double[] est = new double[n];
        int[] steps = new int[n];
        double coveredSeconds = 0;
        long coveredSteps = 0;
        int covered = 0;
        for (int i = 0; i < n; i++) {
            steps[i] = cells.get(i).steps();
            est[i] = cal == null ? Double.NaN : cal.estimateSeconds(cells.get(i));
            if (Double.isFinite(est[i]) && est[i] >= 0) {
                coveredSeconds += est[i];
                coveredSteps += steps[i];
                covered++;
            }
        }
        boolean useSeconds = covered > 0 && coveredSeconds > 0 && coveredSteps > 0;
        double perStep = useSeconds ? coveredSeconds / coveredSteps : 1;
        double[] cost = new double[n];
        for (int i = 0; i < n; i++) {
            boolean ok = Double.isFinite(est[i]) && est[i] >= 0;
            cost[i] = useSeconds && ok ? est[i] : steps[i] * perStep;
        }
        // seconds as they are only when every cell is calibrated: a guessed per-step cost is not an estimate
        return new Eta(cost, steps, useSeconds && covered == n);
    }

    public int cells() {
        return cost.length;
    }

    /** Cost of cell {@code i} (for tests and the bar). */
    double cost(int i) {
        return cost[i];
    }

    /** Whether every cell is finished or skipped. */
    public boolean allSettled() {
        for (boolean b : settled) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** Cell {@code i} was already in the results (resume): it counts for the bar only. */
    public void skip(int i) {
        if (!settled[i]) {
            settled[i] = true;
            skipped += cost[i];
        }
    }

    /** Cell {@code i} finished (whatever its outcome) in this process. */
    public void finish(int i) {
        if (!settled[i]) {
            settled[i] = true;
            done += cost[i];
        }
    }

    /**
     * Seconds left after {@code step} of {@code steps} of cell {@code i}, {@code elapsed} seconds in; NaN if unknown.
     * The first call is the origin of the speed measurement (see the class comment).
     */
    public double remainingSeconds(int i, int step, double elapsed) {
        double partial = settled[i] ? 0 : partial(i, step);
        return remaining(done + partial, Math.max(0, total - skipped - done - partial), elapsed);
    }

    /** Seconds left between cells (every unsettled cell still to run), {@code elapsed} seconds in; NaN if unknown. */
    public double remainingSeconds(double elapsed) {
        return remaining(done, Math.max(0, total - skipped - done), elapsed);
    }

    private double remaining(double doneNow, double left, double elapsed) {
        if (Double.isNaN(originCost)) {
            originCost = doneNow;
            originElapsed = elapsed;
        }
        double cost = doneNow - originCost;
        double time = elapsed - originElapsed;
        if (cost > 0 && time > 0) {
            return left * time / cost;
        }
        return seconds ? left : Double.NaN;
    }

    /** Fraction of the plan's cost settled (skipped cells included), at {@code step} of cell {@code i}. */
    public double fractionDone(int i, int step) {
        if (total <= 0) {
            return 0;
        }
        return Math.min(1, (skipped + done + (settled[i] ? 0 : partial(i, step))) / total);
    }

    private double partial(int i, int step) {
        return steps[i] <= 0 ? 0 : cost[i] * Math.min(Math.max(step, 0), steps[i]) / steps[i];
    }
}
