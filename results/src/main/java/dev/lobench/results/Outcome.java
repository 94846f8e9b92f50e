package dev.lobench.results;

/** How a cell ended. See docs/metrics.md "Outcomes". */
public enum Outcome {
    completed,
    diverged,
    timeout,
    out_of_memory,
    error
}
