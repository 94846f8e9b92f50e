package dev.lobench.results;

/**
 * A results file (or a set of them) that cannot be used: unreadable, corrupt in the middle, of a newer schema,
 * or in conflict with another file. The message is one line, already prefixed with {@code file:line} where one
 * line is to blame; the CLI prints it as is and exits with status 2.
 */
public class ResultsError extends RuntimeException {
    public ResultsError(String message) {
        super(message);
    }

    public ResultsError(String message, Throwable cause) {
        super(message, cause);
    }
}
