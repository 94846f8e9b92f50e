package dev.lobench.meta;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The keys of a meta-training log line ({@code <out>.jsonl}, docs/results-schema.md "Meta-training log"), in the two
 * conventions a log can be in. lobench writes camelCase keys, as in every other JSON record it writes; logs begun by
 * lobench before issue 15, and lines still appended by older lobench versions, have snake_case keys. Readers take
 * either, line by line ({@link #in}). {@link MetaTrainer} continues a resumed log in the convention of its last kept
 * line, so that lobench never makes a file that mixes the two (and an older lobench can still resume its own logs).
 */
public enum MetaLogKey {
    OUTER_STEP("outerStep", "outer_step"),
    META_LOSS("metaLoss", "meta_loss"),
    GRAD_NORM("gradNorm", "grad_norm"),
    NAN_COUNT("nanCount", "nan_count"),
    DROPPED("dropped", "dropped"),
    INNER_RUNS_RESTARTED("innerRunsRestarted", "inner_runs_restarted"),
    WALL_SECONDS("wallSeconds", "wall_s"),
    INNER_STEPS("innerSteps", "inner_steps");

    /** The key lobench writes now. */
    public final String camelCase;
    /** The key of logs written before issue 15. */
    public final String snakeCase;

    MetaLogKey(String camelCase, String snakeCase) {
        this.camelCase = camelCase;
        this.snakeCase = snakeCase;
    }

    /** The naming convention of a log line. */
    public enum Convention {
        CAMEL_CASE, SNAKE_CASE;

        /** The key of {@code k} in this convention. */
        public String key(MetaLogKey k) {
            return this == CAMEL_CASE ? k.camelCase : k.snakeCase;
        }

        /** The convention of a log line: snake_case when it has {@code outer_step} and no {@code outerStep}. */
        public static Convention of(JsonNode line) {
            return line != null && line.has(OUTER_STEP.snakeCase) && !line.has(OUTER_STEP.camelCase) ? SNAKE_CASE
                    : CAMEL_CASE;
        }
    }

    /** The value of this key in a line of either convention (camelCase first), or null when it has neither. */
    public JsonNode in(JsonNode line) {
        JsonNode v = line.get(camelCase);
        return v != null ? v : line.get(snakeCase);
    }
}
