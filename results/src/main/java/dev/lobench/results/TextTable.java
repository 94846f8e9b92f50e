package dev.lobench.results;

import java.util.ArrayList;
import java.util.List;

/**
 * One table, written as Markdown, CSV or LaTeX (booktabs) with each format's escaping, so that report, compare, gate,
 * overhead and stability tables share one writer and one set of escapers.
 *
 * <ul>
 *   <li>Markdown: a header row, a separator row ({@code ---} for left-aligned, {@code ---:} for right-aligned
 *       columns), then the rows; {@code |} in a cell becomes {@code \|} and a line break a space.</li>
 *   <li>CSV (RFC 4180): a header line, then the rows; a cell holding a comma, a quote or a line break is quoted, with
 *       quotes doubled. Cells are written as given (numbers formatted by the caller).</li>
 *   <li>LaTeX: a booktabs {@code tabular} ({@code l} or {@code r} per column), cells escaped by {@link #tex}.</li>
 * </ul>
 * A row must have exactly one cell per column; a null cell is written as an empty cell. {@link #gap()} separates
 * groups of rows ({@code \addlinespace} in LaTeX, nothing in Markdown and CSV). With {@link #texCells()} the
 * headers and cells are LaTeX already (numbers in math mode, {@code \%}) and {@link #latex} writes them as given;
 * the caller escapes text in them with {@link #tex}.
 */
public final class TextTable {
    /** Horizontal alignment of a column (Markdown separator and LaTeX column type). */
    public enum Align { LEFT, RIGHT }

    private final List<String> headers = new ArrayList<>();
    private final List<Align> aligns = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();
    /** Indices of the rows before which {@link #gap()} was called. */
    private final java.util.Set<Integer> gaps = new java.util.HashSet<>();
    private boolean texCells;
    private boolean compactRule;

    /**
     * Markdown separator row without spaces, {@code |---|---:|} (the form of the paper-claims table quoted in the
     * README), instead of {@code | --- | ---: |}.
     */
    public TextTable compactRule() {
        compactRule = true;
        return this;
    }

    /** Headers and cells are LaTeX already: {@link #latex} does not escape them (Markdown and CSV still do). */
    public TextTable texCells() {
        texCells = true;
        return this;
    }

    /** Starts a new group of rows: {@code \addlinespace} before the next row in LaTeX; nothing in the others. */
    public TextTable gap() {
        if (!rows.isEmpty()) {
            gaps.add(rows.size());
        }
        return this;
    }

    /** Adds a left-aligned column. */
    public TextTable left(String header) {
        return column(header, Align.LEFT);
    }

    /** Adds a right-aligned column (numbers). */
    public TextTable right(String header) {
        return column(header, Align.RIGHT);
    }

    public TextTable column(String header, Align align) {
        if (!rows.isEmpty()) {
            throw new IllegalStateException("columns must be declared before the first row");
        }
        headers.add(header);
        aligns.add(align);
        return this;
    }

    /** Adds a row of one cell per column. */
    public TextTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + headers.size()
                    + " columns");
        }
        rows.add(List.of(java.util.Arrays.stream(cells).map(c -> c == null ? "" : c).toArray(String[]::new)));
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    /** Markdown table, ending with a newline. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        mdLine(sb, headers);
        sb.append('|');
        for (Align a : aligns) {
            String rule = a == Align.RIGHT ? "---:" : "---";
            sb.append(compactRule ? rule + "|" : " " + rule + " |");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            mdLine(sb, r);
        }
        return sb.toString();
    }

    private static void mdLine(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(md(c)).append(" |");
        }
        sb.append('\n');
    }

    /** CSV with a header line, each line ending with a newline. */
    public String csv() {
        StringBuilder sb = new StringBuilder();
        csvLine(sb, headers);
        for (List<String> r : rows) {
            csvLine(sb, r);
        }
        return sb.toString();
    }

    private static void csvLine(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(csv(cells.get(i)));
        }
        sb.append('\n');
    }

    /** A booktabs tabular (no table float); headers and cells escaped. */
    public String latex() {
        StringBuilder sb = new StringBuilder("\\begin{tabular}{");
        for (Align a : aligns) {
            sb.append(a == Align.RIGHT ? 'r' : 'l');
        }
        sb.append("}\n\\toprule\n");
        texLine(sb, headers, texCells);
        sb.append("\\midrule\n");
        for (int i = 0; i < rows.size(); i++) {
            if (gaps.contains(i)) {
                sb.append("\\addlinespace\n");
            }
            texLine(sb, rows.get(i), texCells);
        }
        sb.append("\\bottomrule\n\\end{tabular}\n");
        return sb.toString();
    }

    private static void texLine(StringBuilder sb, List<String> cells, boolean raw) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(" & ");
            }
            sb.append(raw ? cells.get(i) : tex(cells.get(i)));
        }
        sb.append(" \\\\\n");
    }

    /** A Markdown table cell: {@code |} escaped, {@code <}, {@code >} and {@code &} as HTML entities, line breaks as spaces. */
    public static String md(String s) {
        // | escaped, <, > and & as HTML entities (GitHub renders Markdown as HTML), line breaks as spaces
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
                .replaceAll("\\R", " ");
    }

    /** A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
    public static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** HTML text or attribute value: {@code &}, {@code <}, {@code >} and {@code "} as entities. */
    public static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** LaTeX text: the ten special characters escaped, and {@code <}, {@code >} and {@code |} written as commands. */
    public static String tex(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\textbackslash{}");
                case '&', '%', '$', '#', '_', '{', '}' -> sb.append('\\').append(c);
                case '~' -> sb.append("\\textasciitilde{}");
                case '^' -> sb.append("\\textasciicircum{}");
                // with LaTeX's default OT1 font encoding these three print as other glyphs (¡, ¿, —)
                case '<' -> sb.append("\\textless{}");
                case '>' -> sb.append("\\textgreater{}");
                case '|' -> sb.append("\\textbar{}");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
