package dev.lobench.results.plot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the charts put their text: tick labels inside the canvas and clear of the rotated y title. */
class ChartLayoutTest {
    record Text(double x, double y, String s, double size, Canvas.Anchor anchor, boolean rotated) {
        double x0() {
            double w = Axis.labelWidth(s, size);
            return anchor == Canvas.Anchor.START ? x : anchor == Canvas.Anchor.MIDDLE ? x - w / 2 : x - w;
        }

        double x1() {
            return x0() + Axis.labelWidth(s, size);
        }
    }

    /** Records the text; ignores the rest. */
    static final class Recorder implements Canvas {
        final List<Text> texts = new ArrayList<>();

        @Override
        public int width() {
            return Plots.WIDTH;
        }

        @Override
        public int height() {
            return Plots.HEIGHT;
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, int rgb, double w, boolean dashed) {}

        @Override
        public void polyline(double[] xs, double[] ys, int rgb, double w) {}

        @Override
        public void polygon(double[] xs, double[] ys, int rgb, double opacity) {}

        @Override
        public void rect(double x, double y, double w, double h, int rgb, double opacity) {}

        @Override
        public void text(double x, double y, String s, double size, Anchor anchor, int rgb, boolean bold,
                boolean rotated) {
            texts.add(new Text(x, y, s, size, anchor, rotated));
        }
    }

    @Test
    void tickLabelsStayOnTheCanvasAndClearOfTheAxisTitle() {
        double[][][] ranges = {{{0, 2000}, {2.5e-5, 3.1e-5}}, {{1e-6, 1e6}, {0.26, 0.43}}, {{-5, 5}, {-123456, 1e6}},
            {{1, 1.3}, {1e-300, 1e300}}};
        for (double[][] r : ranges) {
            for (boolean logX : new boolean[] {false, true}) {
                for (boolean logY : new boolean[] {false, true}) {
                    if (logX && r[0][0] <= 0 || logY && r[1][0] <= 0) {
                        continue;
                    }
                    LineChart ch = new LineChart("A title", "x", "y title", logX, logY);
                    ch.add(new LineChart.Series("a series with a rather long name indeed", 0x1f77b4, r[0], r[1],
                            null, null));
                    Recorder c = new Recorder();
                    ch.draw(c);
                    String what = r[0][0] + ".." + r[0][1] + " x " + r[1][0] + ".." + r[1][1] + " " + logX + logY;
                    for (Text t : c.texts) {
                        if (t.rotated()) {
                            continue;
                        }
                        assertTrue(t.x0() >= 0 && t.x1() <= Plots.WIDTH, t + " off the canvas: " + what);
                        assertTrue(t.y() > t.size() * 0.8 && t.y() < Plots.HEIGHT, t + " off the canvas: " + what);
                        // y tick labels (right-aligned at the axis) end before the y title's column (x 4..24)
                        if (t.anchor() == Canvas.Anchor.END && t.size() == Frame.TICK_SIZE) {
                            assertTrue(t.x0() >= 24, t + " runs into the y title: " + what);
                        }
                    }
                }
            }
        }
    }
}
