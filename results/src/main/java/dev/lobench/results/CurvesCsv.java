package dev.lobench.results;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The per-step curves of result cells in long format, one CSV table ({@code lobench export curves}): one row per
 * (cell, step) with {@link #COLUMNS}. Column names are the record fields in snake_case ({@code trainLoss} ->
 * {@code train_loss}, {@code testAccuracy} -> {@code test_accuracy}, {@code cellKey} -> {@code cell_key}), as in the
 * other CSV outputs.
 *
 * <p>Rows of one cell: for every step t with a recorded training loss ({@code trainLoss[t]}, measured before update
 * t, i.e. on the parameters after t updates) one row; an evaluation at step s ("steps run before the evaluation",
 * the same parameters as {@code trainLoss[s]}) fills the test columns of that row and sets {@code evaluated} to
 * {@code true}. An evaluation at a step without a training loss (the final one at step = steps run, and one after a
 * loss that stopped the cell) gets a row of its own with {@code train_loss} empty; so does a second evaluation at
 * one step, should a record hold one. So every recorded number appears exactly once, the rows of a cell number
 * {@code trainLoss.length} + the evaluations at steps without a training loss, and a cell that recorded nothing has
 * no row. Rows are sorted by task, optimizer and seed (stable; cells in input order otherwise), then by step.
 *
 * <p>A strided record ({@code lossEvery} K &gt; 1, {@link LossCurve}): one row per recorded entry, at the step its block
 * ends ({@link LossCurve#ends}), {@code train_loss} the block's mean loss (of steps step-K+1 .. step for a full
 * block); so {@code step} stays a step, and an evaluation at a step where no block ends has a row of its own.
 *
 * <p>Numbers: a training loss as {@link Float#toString} (a decimal that reads back as exactly the recorded
 * float), an evaluation metric as {@link Double#toString} (likewise exact); large and small
 * magnitudes in Java's scientific form, e.g. {@code 1.0E-5}. An empty field is a value not recorded at that step, a
 * metric the task does not have, or a non-finite value (the records store those as null: NaN, the sign of an
 * infinity is lost). Text fields are quoted per RFC 4180 where needed; lines end with {@code \n}.
 */
public final class CurvesCsv {
    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("task", "optimizer", "seed", "step", "train_loss",
            "test_loss", "test_accuracy", "bits_per_byte", "evaluated", "outcome", "cell_key");

    private CurvesCsv() {}

    /** The header line, with its newline. */
    public static String header() {
        return String.join(",", COLUMNS) + "\n";
    }

    /** The cells sorted as the rows are: by task, optimizer and seed, stable. */
    public static List<CellRecord> sorted(List<CellRecord> cells) {
        List<CellRecord> s = new ArrayList<>(cells);
        s.sort(Comparator.comparing(CellRecord::task).thenComparing(CellRecord::optimizer)
                .thenComparingLong(CellRecord::seed));
        return s;
    }

    /** Writes the header and the rows of every cell (see the class comment); returns the number of rows. */
    public static long write(List<CellRecord> cells, Writer out) throws IOException {
        out.write(header());
        long rows = 0;
        StringBuilder sb = new StringBuilder(256);
        for (CellRecord c : sorted(cells)) {
            float[] train = c.trainLoss() == null ? new float[0] : c.trainLoss();
            int[] at = LossCurve.ends(c);   // the step of each entry: its own index in a per-step record
            List<EvalPoint> evals = evals(c);
            String prefix = TextTable.csv(c.task()) + "," + TextTable.csv(c.optimizer()) + "," + c.seed() + ",";
            String suffix = "," + c.outcome() + "," + TextTable.csv(c.cellKey()) + "\n";
            int e = 0;
            // evaluations before step 0 (none are written by lobench) come first, on rows of their own
            while (e < evals.size() && evals.get(e).step() < 0) {
                row(out, sb, prefix, evals.get(e).step(), Float.NaN, false, evals.get(e++), suffix);
                rows++;
            }
            for (int i = 0; i < train.length; i++) {
                int t = at[i];
                // evaluations at steps before this entry's (between two block ends) have rows of their own
                while (e < evals.size() && evals.get(e).step() < t) {
                    row(out, sb, prefix, evals.get(e).step(), Float.NaN, false, evals.get(e++), suffix);
                    rows++;
                }
                EvalPoint ev = e < evals.size() && evals.get(e).step() == t ? evals.get(e++) : null;
                row(out, sb, prefix, t, train[i], true, ev, suffix);
                rows++;
                while (e < evals.size() && evals.get(e).step() == t) {   // a second evaluation at step t
                    row(out, sb, prefix, t, Float.NaN, false, evals.get(e++), suffix);
                    rows++;
                }
            }
            while (e < evals.size()) {
                row(out, sb, prefix, evals.get(e).step(), Float.NaN, false, evals.get(e++), suffix);
                rows++;
            }
        }
        out.flush();
        return rows;
    }

    private static void row(Writer out, StringBuilder sb, String prefix, int step, float trainLoss, boolean hasTrain,
            EvalPoint eval, String suffix) throws IOException {
        sb.setLength(0);
        sb.append(prefix).append(step).append(',');
        if (hasTrain && Float.isFinite(trainLoss)) {
            sb.append(Float.toString(trainLoss));
        }
        sb.append(',');
        if (eval != null) {
            sb.append(num(eval.testLoss())).append(',').append(num(eval.testAccuracy())).append(',')
                    .append(num(eval.bitsPerByte())).append(",true");
        } else {
            sb.append(",,,false");
        }
        sb.append(suffix);
        out.append(sb);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    /** The cell's evaluations sorted by step (stable). */
    private static List<EvalPoint> evals(CellRecord c) {
        if (c.evals() == null) {
            return List.of();
        }
        List<EvalPoint> e = new ArrayList<>(c.evals());
        e.removeIf(java.util.Objects::isNull);
        e.sort(Comparator.comparingInt(EvalPoint::step));
        return e;
    }
}
