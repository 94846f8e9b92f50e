package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TextTableTest {
    private static TextTable sample() {
        return new TextTable().left("task").left("optimizer").right("loss")
                .row("t|1", "adam(lr=1e-3,wd=0)", "0.5")
                .row("a_b & c", "say \"hi\"\nthere", null);
    }

    @Test
    void markdownEscapesPipesAndLineBreaks() {
        assertEquals("| task | optimizer | loss |\n| --- | --- | ---: |\n"
                + "| t\\|1 | adam(lr=1e-3,wd=0) | 0.5 |\n"
                + "| a_b &amp; c | say \"hi\" there |  |\n", sample().markdown());
        assertEquals("t\\|&lt;img src=x&gt; a b", TextTable.md("t|<img src=x>\r\na\nb"));
    }

    @Test
    void csvQuotesCommasQuotesAndLineBreaks() {
        assertEquals("task,optimizer,loss\n"
                + "t|1,\"adam(lr=1e-3,wd=0)\",0.5\n"
                + "a_b & c,\"say \"\"hi\"\"\nthere\",\n", sample().csv());
    }

    @Test
    void latexEscapesTheSpecialCharacters() {
        assertEquals("\\begin{tabular}{llr}\n\\toprule\ntask & optimizer & loss \\\\\n\\midrule\n"
                + "t\\textbar{}1 & adam(lr=1e-3,wd=0) & 0.5 \\\\\n"
                + "a\\_b \\& c & say \"hi\"\nthere &  \\\\\n\\bottomrule\n\\end{tabular}\n", sample().latex());
        assertEquals("\\textbackslash{}\\{x\\}\\$\\#\\%\\textasciitilde{}\\textasciicircum{}", TextTable.tex("\\{x}$#%~^"));
    }

    @Test
    void rowsMustMatchTheColumns() {
        TextTable t = new TextTable().left("a").right("b");
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
        t.row("1", "2");
        assertThrows(IllegalStateException.class, () -> t.left("late"));
        assertEquals(1, t.rowCount());
    }

    /** A strict RFC 4180 reader, written here independently of {@link TextTable#csv}: fields, per line. */
    static List<List<String>> parseCsv(String s) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' && f.length() == 0) {
                i++;
                while (true) {
                    char q = s.charAt(i++);
                    if (q == '"') {
                        if (i < s.length() && s.charAt(i) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        f.append(q);
                    }
                }
                char next = s.charAt(i);
                assertTrue(next == ',' || next == '\n', "text after a closing quote");
                continue;
            }
            if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (c == '\n') {
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                assertTrue(c != '"' && c != '\r', "a bare quote or CR in an unquoted field");
                f.append(c);
            }
            i++;
        }
        assertTrue(row.isEmpty() && f.length() == 0, "the last line ends with a newline");
        return rows;
    }

    /** Reads {@link TextTable#tex} back: the inverse of its escapes. */
    private static String untex(String s) {
        return s.replace("\\textbackslash{}", "\u0000").replace("\\textasciitilde{}", "~")
                .replace("\\textasciicircum{}", "^").replace("\\textless{}", "<").replace("\\textgreater{}", ">")
                .replace("\\textbar{}", "|").replaceAll("\\\\([&%$#_{}])", "$1").replace("\u0000", "\\");
    }

    private static String randomText(Random rnd) {
        String alphabet = "ab1 ,\"\n\r|<>&%$#_{}~^\\.";
        StringBuilder sb = new StringBuilder();
        for (int k = rnd.nextInt(12); k > 0; k--) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void csvReadsBackWhatWasWritten() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int cols = 1 + rnd.nextInt(4);
            TextTable t = new TextTable();
            List<List<String>> expected = new ArrayList<>();
            List<String> head = new ArrayList<>();
            for (int c = 0; c < cols; c++) {
                head.add("h" + c + randomText(rnd));
                t.left(head.get(c));
            }
            expected.add(head);
            for (int r = rnd.nextInt(4); r > 0; r--) {
                String[] cells = new String[cols];
                for (int c = 0; c < cols; c++) {
                    cells[c] = randomText(rnd);
                }
                t.row(cells);
                expected.add(List.of(cells));
            }
            assertEquals(expected, parseCsv(t.csv()));
        }
    }

    @Test
    void latexEscapesEverySpecialCharacterAndReadsBack() {
        Random rnd = new Random(4);
        for (int trial = 0; trial < 500; trial++) {
            String s = randomText(rnd);
            String tex = TextTable.tex(s);
            assertEquals(s, untex(tex), tex);
            // outside the escapes no special character is left bare
            String bare = tex.replaceAll("\\\\text[a-z]+\\{\\}", "").replaceAll("\\\\[&%$#_{}]", "");
            assertTrue(bare.chars().noneMatch(c -> "\\&%$#_{}~^<>|".indexOf(c) >= 0), tex);
        }
    }

    @Test
    void markdownCellsHoldNoBareBarOrLineBreak() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 500; trial++) {
            String md = TextTable.md(randomText(rnd));
            assertTrue(md.replace("\\|", "").indexOf('|') < 0 && md.indexOf('\n') < 0 && md.indexOf('\r') < 0, md);
        }
    }

    @Test
    void gapsAndTexCellsShapeTheLatexOnly() {
        TextTable t = new TextTable().texCells().left("$x$").right("n").row("a", "1").gap().row("b", "$\\infty$");
        assertEquals("\\begin{tabular}{lr}\n\\toprule\n$x$ & n \\\\\n\\midrule\na & 1 \\\\\n\\addlinespace\n"
                + "b & $\\infty$ \\\\\n\\bottomrule\n\\end{tabular}\n", t.latex());
        assertEquals("| $x$ | n |\n| --- | ---: |\n| a | 1 |\n| b | $\\infty$ |\n", t.markdown());
        assertEquals("| a | b |\n|---|---:|\n", new TextTable().compactRule().left("a").right("b").markdown());
    }

    @Test
    void htmlEscapesReadBack() {
        Random rnd = new Random(6);
        for (int trial = 0; trial < 500; trial++) {
            String s = randomText(rnd) + "&amp;";
            String h = TextTable.html(s);
            assertTrue(h.chars().noneMatch(c -> c == '<' || c == '>' || c == '"'), h);
            assertEquals(s, h.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
        }
    }
}
