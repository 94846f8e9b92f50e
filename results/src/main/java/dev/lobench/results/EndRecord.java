package dev.lobench.results;

/**
 * Optional last record of a results file, written when a suite run finishes normally. {@code type} is always
 * {@code "end"}; {@code cells} is the number of cell records in the file. A file without it was cut short
 * (killed run): every cell line it does hold is still complete and usable.
 */
public record EndRecord(String type, String endTime, int cells) {
    public static final String TYPE = "end";

    public static EndRecord of(String endTime, int cells) {
        return new EndRecord(TYPE, endTime, cells);
    }
}
