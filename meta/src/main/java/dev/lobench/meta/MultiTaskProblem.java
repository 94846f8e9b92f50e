package dev.lobench.meta;

import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.List;

/**
 * Meta-training on several inner problems at once: particle pair i (population slots i and N + i, the estimator's
 * positive and negative branch) always trains on problem {@code i mod T}, restarting there with new seeds, so every
 * outer step's meta-gradient averages over the problems (with N >= T particle pairs each problem gets at least one).
 * Each problem keeps its own batched population of the slots assigned to it.
 */
public final class MultiTaskProblem implements InnerProblem {
    private final List<InnerProblem> problems;

    public MultiTaskProblem(List<? extends InnerProblem> problems) {
        if (problems.isEmpty()) {
            throw new UserError("meta-training needs at least one task");
        }
        this.problems = List.copyOf(problems);
    }

    public List<InnerProblem> problems() {
        return problems;
    }

    /** The problems' names joined with '+', in order (a resume must use the same list). */
    @Override
    public String name() {
        StringBuilder sb = new StringBuilder();
        for (InnerProblem p : problems) {
            sb.append(sb.length() == 0 ? "" : "+").append(p.name());
        }
        return sb.toString();
    }

    /** The problem index of population slot {@code slot} in a population of {@code size} slots. */
    public int problemOf(int slot, int size) {
        int half = Math.max(1, size / 2);
        return (slot % half) % problems.size();
    }

    @Override
    public Population population(NDManager manager, int size) {
        if (size % 2 != 0 && size != 1) {
            throw new IllegalArgumentException("a multi-task population has 2 slots per particle pair (or 1), got " + size);
        }
        int t = problems.size();
        if (size >= 2 && size / 2 < t) {
            throw new UserError("meta-training on " + t + " tasks needs at least " + t
                    + " particle pairs (one per task), got " + size / 2);
        }
        return new Mix(manager, size);
    }

    /** Slots mapped onto one population per problem. */
    private final class Mix implements Population {
        private final int size;
        private final Population[] pops;
        private final int[] problem; // slot -> problem
        private final int[] local; // slot -> index in its problem's population
        private final List<List<Integer>> slotsOf = new ArrayList<>();

        Mix(NDManager manager, int size) {
            this.size = size;
            int t = problems.size();
            problem = new int[size];
            local = new int[size];
            for (int k = 0; k < t; k++) {
                slotsOf.add(new ArrayList<>());
            }
            for (int s = 0; s < size; s++) {
                int k = size == 1 ? 0 : problemOf(s, size);
                problem[s] = k;
                local[s] = slotsOf.get(k).size();
                slotsOf.get(k).add(s);
            }
            pops = new Population[t];
            try {
                for (int k = 0; k < t; k++) {
                    if (!slotsOf.get(k).isEmpty()) {
                        pops[k] = problems.get(k).population(manager, slotsOf.get(k).size());
                    }
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void reset(int slot, long seed, Optimizer opt) {
            pops[problem[slot]].reset(local[slot], seed, opt);
        }

        @Override
        public void copy(int from, int to) {
            if (problem[from] != problem[to]) {
                throw new IllegalArgumentException("slots " + from + " and " + to + " train different tasks");
            }
            pops[problem[from]].copy(local[from], local[to]);
        }

        @Override
        public double[] unroll(Optimizer[] opts, int[] steps, LossNormaliser norm, boolean[] nonFinite) {
            if (opts.length != size || steps.length != size) {
                throw new IllegalArgumentException("need one optimizer and step count per slot");
            }
            double[] out = new double[size];
            for (int k = 0; k < pops.length; k++) {
                List<Integer> slots = slotsOf.get(k);
                if (slots.isEmpty()) {
                    continue;
                }
                Optimizer[] o = new Optimizer[slots.size()];
                int[] st = new int[slots.size()];
                boolean any = false;
                for (int i = 0; i < o.length; i++) {
                    o[i] = opts[slots.get(i)];
                    st[i] = steps[slots.get(i)];
                    any |= st[i] > 0;
                }
                boolean[] nf = new boolean[o.length];
                double[] l = any ? pops[k].unroll(o, st, norm, nf) : null;
                for (int i = 0; i < o.length; i++) {
                    out[slots.get(i)] = l == null ? Double.NaN : l[i];
                    if (nonFinite != null) {
                        nonFinite[slots.get(i)] = nf[i];
                    }
                }
            }
            return out;
        }

        @Override
        public long step(int slot) {
            return pops[problem[slot]].step(local[slot]);
        }

        @Override
        public SlotSnapshot save(int slot) {
            return pops[problem[slot]].save(local[slot]);
        }

        @Override
        public void load(int slot, SlotSnapshot snapshot) {
            pops[problem[slot]].load(local[slot], snapshot);
        }

        @Override
        public void close() {
            for (Population p : pops) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }
}
