package dev.lobench.results.plot;

import java.util.Locale;

/** {@link Canvas} that writes an inline SVG element (no external resources). */
public final class SvgCanvas implements Canvas {
    private final int width;
    private final int height;
    private final StringBuilder sb = new StringBuilder();

    public SvgCanvas(int width, int height) {
        this.width = width;
        this.height = height;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n");
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    static String n(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String color(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xffffff);
    }

    static String esc(String s) {
        return dev.lobench.results.TextTable.html(s);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, int rgb, double w, boolean dashed) {
        sb.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(color(rgb))
                .append("\" stroke-width=\"").append(n(w)).append('"')
                .append(dashed ? " stroke-dasharray=\"4 3\"" : "").append("/>\n");
    }

    private static String points(double[] xs, double[] ys) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            if (i > 0) {
                p.append(' ');
            }
            p.append(n(xs[i])).append(',').append(n(ys[i]));
        }
        return p.toString();
    }

    @Override
    public void polyline(double[] xs, double[] ys, int rgb, double w) {
        sb.append("<polyline fill=\"none\" stroke=\"").append(color(rgb)).append("\" stroke-width=\"").append(n(w))
                .append("\" stroke-linejoin=\"round\" points=\"").append(points(xs, ys)).append("\"/>\n");
    }

    @Override
    public void polygon(double[] xs, double[] ys, int rgb, double opacity) {
        sb.append("<polygon fill=\"").append(color(rgb)).append("\" fill-opacity=\"").append(n(opacity))
                .append("\" stroke=\"none\" points=\"").append(points(xs, ys)).append("\"/>\n");
    }

    @Override
    public void rect(double x, double y, double w, double h, int rgb, double opacity) {
        sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(color(rgb)).append('"')
                .append(opacity < 1 ? " fill-opacity=\"" + n(opacity) + "\"" : "").append("/>\n");
    }

    @Override
    public void text(double x, double y, String s, double size, Anchor anchor, int rgb, boolean bold,
            boolean rotated) {
        String a = switch (anchor) {
            case START -> "start";
            case MIDDLE -> "middle";
            case END -> "end";
        };
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"").append(n(size))
                .append("\" text-anchor=\"").append(a).append("\" fill=\"").append(color(rgb)).append('"')
                .append(bold ? " font-weight=\"bold\"" : "")
                .append(rotated ? " transform=\"rotate(-90 " + n(x) + " " + n(y) + ")\"" : "").append('>')
                .append(esc(s)).append("</text>\n");
    }

    /** The finished SVG element. */
    public String svg() {
        return sb + "</svg>\n";
    }
}
