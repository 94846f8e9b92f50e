package dev.lobench.meta;

import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.VeloFiles;
import dev.lobench.optimizers.learned.VeloOptimizer;
import dev.lobench.optimizers.learned.VeloTheta;

/**
 * velo-style as a flat meta-parameter vector for the meta-trainer. The flat order is {@link VeloTheta}'s segment
 * order (mix_max_w, mix_max_b, mix_lin_w, mix_lin_b, lstm_w, lstm_b, lstm_h0, lstm_c0, ctrl_w, ctrl_b, step_w,
 * step_b, bank_w0, bank_b0, bank_w1, bank_b1, bank_w2, bank_b2; each row-major).
 *
 * <p>State compatibility: the optimizer state ({@link VeloOptimizer.State}) holds the accumulators, the LSTM
 * hidden/cell state, the loss EMAs and t, and depends on theta only through the LSTM initial state copied in at
 * {@code init}; its sizes depend on H alone, so a state made by {@code build(a)} is updated by {@code build(b)} for
 * any b of the same size (the state's LSTM state simply continues).
 *
 * <p>{@code numSteps} is the planned run length the optimizer's fraction-of-training features refer to: use the
 * meta-trainer's inner horizon.
 */
public final class VeloMetaArch implements MetaArch {
    private final int hidden;
    private final int bank;
    private final long numSteps;
    private final int size;

    public VeloMetaArch(int hidden, int bank, long numSteps) {
        VeloTheta.checkSizes(hidden, bank);
        if (numSteps < 1) {
            throw new dev.lobench.tasks.UserError("velo-style meta-training needs num_steps >= 1, got " + numSteps);
        }
        this.hidden = hidden;
        this.bank = bank;
        this.numSteps = numSteps;
        this.size = (int) VeloTheta.paramCount(hidden, bank);
    }

    @Override
    public String name() {
        return "velo-style(lstm=" + hidden + ",bank=" + bank + ")";
    }

    @Override
    public int thetaSize() {
        return size;
    }

    /** The meta-training starting point: {@link VeloTheta#initMeta} (tame output heads; see there why). */
    @Override
    public float[] initTheta(long seed) {
        return VeloTheta.initMeta(hidden, bank, seed).flat().clone();
    }

    @Override
    public Optimizer build(float[] theta) {
        return new VeloOptimizer(new VeloTheta(hidden, bank, theta), numSteps);
    }

    /** Writes {@code theta} of this architecture as a velo-style weights file with the given provenance JSON. */
    @Override
    public void writeWeights(java.nio.file.Path out, float[] theta, String provenance) {
        VeloFiles.write(out, new VeloTheta(hidden, bank, theta), provenance);
    }

    /** {@code --arch velo-style} ({@link MetaArchFactory}): LSTM width 32 and 16 per-element MLPs unless given. */
    public static final class Factory implements MetaArchFactory {
        @Override
        public String name() {
            return "velo-style";
        }

        @Override
        public MetaArch create(Settings s) {
            if (s.headInit() != null) {
                throw new dev.lobench.tasks.UserError("--head-init applies to star and small-fc; velo-style starts from "
                        + "its own init (optimizers/VELO.md)");
            }
            if (s.stepMult() != null) {
                throw new dev.lobench.tasks.UserError("--step-mult applies to star and small-fc");
            }
            int lstm = s.lstm() == null ? 32 : s.lstm();
            int bank = s.bank() == null ? 16 : s.bank();
            if (lstm < 1 || bank < 1) {
                throw new dev.lobench.tasks.UserError("--lstm and --bank must be >= 1");
            }
            return new VeloMetaArch(lstm, bank, s.horizon());
        }
    }
}
