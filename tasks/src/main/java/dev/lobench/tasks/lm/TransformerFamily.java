package dev.lobench.tasks.lm;

import dev.lobench.tasks.Family;
import dev.lobench.tasks.ParamSpec;
import dev.lobench.tasks.Task;

import java.util.List;
import java.util.Map;

/** Task family {@value TransformerLm#FAMILY}: {@link TransformerLm}, a byte-level transformer on fortunes. */
public final class TransformerFamily implements Family {

    static final List<ParamSpec> PARAMETERS = List.of(
            ParamSpec.ofInt("width", 64, 4, 2048, "model width (embedding size); a multiple of heads"),
            ParamSpec.ofInt("depth", 2, 1, 48, "number of transformer blocks"),
            ParamSpec.ofInt("heads", 4, 1, 64, "attention heads; must divide width"),
            ParamSpec.ofInt("context", 64, 2, 4096, "sequence length in bytes"),
            ParamSpec.ofInt("batch", 32, 1, 4096, "sequences per minibatch"),
            ParamSpec.ofChoice("lang", "en", List.of("en", "de"),
                    "fortunes language: en (Debian fortunes) or de (fortunes-de, the data-shift axis)"),
            ParamSpec.ofInt("evalBatches", 32, 1, 1024, "test set size in minibatches of fixed windows"),
            ParamSpec.ofInt("steps", 2000, 1, 10_000_000, "default number of training steps"));

    @Override
    public String name() {
        return TransformerLm.FAMILY;
    }

    @Override
    public String summary() {
        return "byte-level causal transformer LM on Debian fortunes text (en, or de as the data-shift axis)";
    }

    @Override
    public String dataset() {
        return "fortunes";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Task build(Map<String, ?> params) {
        return TransformerLm.fromParameters(params);
    }
}
