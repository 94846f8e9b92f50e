package dev.lobench.results.plot;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** {@link Canvas} drawing with Java2D onto an image, written as PNG with ImageIO. */
public final class PngCanvas implements Canvas {
    private final BufferedImage img;
    private final Graphics2D g;

    public PngCanvas(int width, int height) {
        img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    @Override
    public int width() {
        return img.getWidth();
    }

    @Override
    public int height() {
        return img.getHeight();
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, int rgb, double w, boolean dashed) {
        g.setColor(new Color(rgb));
        g.setStroke(dashed ? new BasicStroke((float) w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10,
                new float[] {4, 3}, 0) : new BasicStroke((float) w));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    private static Path2D path(double[] xs, double[] ys, boolean close) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < xs.length; i++) {
            if (i == 0) {
                p.moveTo(xs[i], ys[i]);
            } else {
                p.lineTo(xs[i], ys[i]);
            }
        }
        if (close) {
            p.closePath();
        }
        return p;
    }

    @Override
    public void polyline(double[] xs, double[] ys, int rgb, double w) {
        if (xs.length == 0) {
            return;
        }
        g.setColor(new Color(rgb));
        g.setStroke(new BasicStroke((float) w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path(xs, ys, false));
    }

    @Override
    public void polygon(double[] xs, double[] ys, int rgb, double opacity) {
        if (xs.length == 0) {
            return;
        }
        var old = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
        g.setColor(new Color(rgb));
        g.fill(path(xs, ys, true));
        g.setComposite(old);
    }

    @Override
    public void rect(double x, double y, double w, double h, int rgb, double opacity) {
        var old = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) opacity));
        g.setColor(new Color(rgb));
        g.fill(new Rectangle2D.Double(x, y, w, h));
        g.setComposite(old);
    }

    @Override
    public void text(double x, double y, String s, double size, Anchor anchor, int rgb, boolean bold,
            boolean rotated) {
        g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size));
        g.setColor(new Color(rgb));
        double w = g.getFontMetrics().getStringBounds(s, g).getWidth();
        double dx = switch (anchor) {
            case START -> 0;
            case MIDDLE -> -w / 2;
            case END -> -w;
        };
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        if (rotated) {
            g.rotate(-Math.PI / 2);
        }
        g.drawString(s, (float) dx, 0f);
        g.setTransform(saved);
    }

    public BufferedImage image() {
        return img;
    }

    public void write(Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}
