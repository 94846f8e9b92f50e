package dev.lobench.tasks;

/**
 * An error caused by the user's input (a bad value, an unknown name, a corrupt or missing file). The CLI prints
 * its message as one line, without a stack trace, and exits with code 2. Messages must name the offending
 * thing (file, field, value) and, where possible, the fix.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
