package dev.lobench.tasks.lm;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.FamilyParams;

import java.util.Map;

/**
 * Task family {@value #FAMILY}: a byte-level decoder-only transformer language model on Debian's fortunes text
 * ({@link FortunesCorpus}).
 *
 * <p>Model: learned token (256 x width) and position (context x width) embeddings, summed; {@code depth} pre-LayerNorm
 * blocks {@code x += attn(LN(x)); x += mlp(LN(x))} where attn is causal multi-head self-attention written out by
 * hand (fused q/k/v projection, scores scaled by 1/sqrt(width/heads), future positions masked to -inf before the
 * softmax, output projection) and mlp is Linear(width, 4 width), GELU (tanh approximation, as DJL implements it),
 * Linear(4 width, width); a final LayerNorm (eps 1e-5); an <b>untied</b> output projection Linear(width, 256) with
 * bias. Untied so that every tensor has one role: a learned optimizer's per-tensor features then never mix
 * embedding and projection gradients. Loss: mean cross-entropy of the next byte over all batch x context positions.
 *
 * <p>Init, from a {@link java.util.Random} seeded by the task seed: embeddings and linear weights N(0, 0.02^2), linear
 * biases 0, LayerNorm gains 1 and biases 0. Training batches: {@code batch} windows of {@code context + 1} bytes at
 * uniformly random offsets of the training text, drawn from a second seeded Random, so the same seed gives the same
 * losses. Evaluation: {@code evalBatches x batch} windows at evenly spaced offsets of the test text (the same for
 * every seed); loss is their mean next-byte cross-entropy (nats), accuracy the share of argmax predictions that are
 * the next byte, bits per byte = loss / ln 2.
 */
public final class TransformerLm implements Task {
    public static final String FAMILY = "transformer";
    final int width;
    final int depth;
    final int heads;
    final int context;
    final int batch;
    final String lang;
    final int evalBatches;
    final int steps;
    final DataType dtype;
    private final Map<String, Object> parameters;

    private TransformerLm(FamilyParams p, DataType dtype) {
        this.width = p.getInt("width");
        this.depth = p.getInt("depth");
        this.heads = p.getInt("heads");
        this.context = p.getInt("context");
        this.batch = p.getInt("batch");
        this.lang = p.getString("lang");
        this.evalBatches = p.getInt("evalBatches");
        this.steps = p.getInt("steps");
        this.dtype = dtype;
        if (width % heads != 0) {
            throw p.error("heads", "must divide width " + width + ", got " + heads);
        }
        this.parameters = p.asMap();
    }

    /**
     * Builds a task from user parameters (see {@link TransformerFamily#PARAMETERS}; absent keys take their
     * defaults). Values may be numbers or strings. Unknown keys, bad types and out-of-range values are UserErrors naming the field.
     */
    public static Task fromParameters(Map<String, ?> params) {
        return new TransformerLm(FamilyParams.validate(FAMILY, TransformerFamily.PARAMETERS, params),
                DataType.FLOAT32);
    }

    /** As {@link #fromParameters} with another floating dtype (float64 for gradient checks in tests). */
    static TransformerLm create(Map<String, ?> params, DataType dtype) {
        return new TransformerLm(FamilyParams.validate(FAMILY, TransformerFamily.PARAMETERS, params), dtype);
    }

    @Override
    public String name() {
        return String.format("fortunes-%s-tf-w%d-d%d-h%d-c%d-b%d", lang, width, depth, heads, context, batch);
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public int defaultSteps() {
        return steps;
    }

    @Override
    public Map<String, Object> parameters() {
        return parameters;
    }

    @Override
    public long numParams() {
        long w = width;
        long perBlock = 12 * w * w + 13 * w;
        return 256 * w + (long) context * w + depth * perBlock + 2 * w + 256 * w + 256;
    }

    /** {@code fortunes-en} or {@code fortunes-de}. */
    @Override
    public java.util.List<String> datasets() {
        return java.util.List.of(FortunesCorpus.datasetName(lang));
    }

    @Override
    public TaskInstance instantiate(NDManager manager, long seed, DataContext data) {
        FortunesCorpus corpus = FortunesCorpus.load(lang, data);
        return new TransformerLmInstance(this, corpus.trainBytes(), corpus.testBytes(), manager, seed);
    }

    /** Instance on given bytes (tests build their own text). */
    TransformerLmInstance instantiate(NDManager manager, long seed, byte[] train, byte[] test) {
        return new TransformerLmInstance(this, train, test, manager, seed);
    }
}
