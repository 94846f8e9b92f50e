package dev.lobench.results.plot;

/**
 * The drawing primitives the plots need, implemented once for SVG ({@link SvgCanvas}) and once for Java2D
 * ({@link PngCanvas}), so the HTML report and the PNG files are drawn by the same plot code. Coordinates are
 * pixels, y down; colours are 0xRRGGBB.
 */
public interface Canvas {
    enum Anchor {
        START,
        MIDDLE,
        END
    }

    int width();

    int height();

    void line(double x1, double y1, double x2, double y2, int rgb, double strokeWidth, boolean dashed);

    void polyline(double[] xs, double[] ys, int rgb, double strokeWidth);

    /** A filled polygon with the given opacity (0..1), no outline. */
    void polygon(double[] xs, double[] ys, int rgb, double opacity);

    void rect(double x, double y, double w, double h, int fillRgb, double opacity);

    /** Text with its baseline at y; {@code rotated} turns it 90 degrees counter-clockwise around (x, y). */
    void text(double x, double y, String s, double size, Anchor anchor, int rgb, boolean bold, boolean rotated);
}
