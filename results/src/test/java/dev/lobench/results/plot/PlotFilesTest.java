package dev.lobench.results.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.results.CellRecord;
import dev.lobench.results.EvalPoint;
import dev.lobench.results.Outcome;
import dev.lobench.results.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The plots written as files: one SVG per PNG, same names, well-formed, one path per drawn series. */
class PlotFilesTest {
    static CellRecord c(String task, String opt, long seed, Outcome o, float... curve) {
        return new CellRecord("cell", 1, task + "|" + opt + "|" + seed, task, "fixture", Map.of(), false, opt,
                dev.lobench.results.OptimizerNames.base(opt), Map.of(), null, seed, curve.length, 10, o, null, 10.0, curve,
                List.of(new EvalPoint(curve.length, curve[curve.length - 1] + 0.5, 0.5, Double.NaN)),
                new Timing(1, 1, 0.1, 0, 2, 1, 1, 0), Map.of());
    }

    /** Task "a": three optimizers with 2 completed seeds each; task "b": adam completed, "lo" diverged. */
    static List<CellRecord> cells() {
        List<CellRecord> l = new ArrayList<>();
        for (long s = 0; s < 2; s++) {
            l.add(c("a", "adam(lr=0.1)", s, Outcome.completed, 10, 5, 2, 1 + s));
            l.add(c("a", "lo & <co>", s, Outcome.completed, 10, 3, 1, 0.5f + s));
            l.add(c("a", "sgd", s, Outcome.completed, 10, 9, 8, 7));
            l.add(c("b", "adam(lr=0.1)", s, Outcome.completed, 4, 3, 2, 1));
            l.add(c("b", "lo & <co>", s, Outcome.diverged, 4, Float.NaN));
        }
        return l;
    }

    static Document parse(Path f) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        return dbf.newDocumentBuilder().parse(f.toFile());
    }

    static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }

    @Test
    void svgFilesMatchThePngsAndAreWellFormed(@TempDir Path dir) throws Exception {
        List<Path> pngs = HtmlReport.writePngs(dir.resolve("png"), cells(), List.of());
        List<Path> svgs = HtmlReport.writeSvgs(dir.resolve("svg"), cells(), List.of());
        assertEquals(pngs.stream().map(PlotFilesTest::stem).toList(), svgs.stream().map(PlotFilesTest::stem).toList());
        try (var files = Files.list(dir.resolve("svg"))) {
            assertEquals(svgs.size(), files.count());
        }
        for (Path f : svgs) {
            assertTrue(f.getFileName().toString().endsWith(".svg"), f.toString());
            Element root = parse(f).getDocumentElement();
            assertEquals("svg", root.getLocalName());
            assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
            assertEquals("0 0 " + Plots.WIDTH + " " + Plots.HEIGHT, root.getAttribute("viewBox"));
        }
        // one line per optimizer with completed seeds (lo on "b" has none), one step line per optimizer (3) in a profile
        assertEquals(3, polylines(dir, "loss-a"));
        assertEquals(1, polylines(dir, "loss-b"));
        List<String> profiles = svgs.stream().map(PlotFilesTest::stem).filter(n -> n.startsWith("profile-")).toList();
        assertTrue(!profiles.isEmpty(), svgs.toString());
        for (String p : profiles) {
            assertEquals(3, polylines(dir, p), p);
        }
        assertEquals(0, polylines(dir, "speedup"));
        // the name with markup characters survives as text
        assertTrue(parse(dir.resolve("svg/loss-a.svg")).getDocumentElement().getTextContent().contains("lo & <co>"));
    }

    @Test
    void htmlFiguresScaleToThePageAndTablesScrollInTheirOwnBox() {
        String html = HtmlReport.render(null, cells());
        // every figure keeps its viewBox and is sized by the page's CSS
        int figures = html.split("<svg ", -1).length - 1;
        assertEquals(figures, html.split("viewBox=\"0 0 " + Plots.WIDTH + " " + Plots.HEIGHT + "\"", -1).length - 1);
        assertTrue(html.contains("svg{display:block;width:100%;height:auto;max-width:"), html);
        // every table sits in a box that scrolls sideways
        int tables = html.split("<table>", -1).length - 1;
        assertTrue(tables > 0);
        assertEquals(tables, html.split("<div class=\"tw\"><table>", -1).length - 1);
        assertTrue(html.contains(".tw{overflow-x:auto"), html);
    }

    private static int polylines(Path dir, String id) throws Exception {
        return parse(dir.resolve("svg/" + id + ".svg")).getElementsByTagNameNS("http://www.w3.org/2000/svg",
                "polyline").getLength();
    }
}
