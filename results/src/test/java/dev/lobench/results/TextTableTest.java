package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
                + "t|1 & adam(lr=1e-3,wd=0) & 0.5 \\\\\n"
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
}
