package dev.lobench.results.plot;

/**
 * The CSS of the HTML reports: the figures (inline SVG with a viewBox) scale to the page width up to a size at
 * which their text is about 1.3 times the drawn size, wide tables scroll sideways in their own box instead of
 * widening the page, body text 15 px and table text 13.5 px.
 */
final class HtmlStyle {
    private HtmlStyle() {}

    /** Widest a figure is drawn, px (the SVG is {@link Plots#WIDTH} wide). */
    static final int FIGURE_MAX_PX = 1180;

    static final String CSS = "body{font-family:DejaVu Sans,Arial,Helvetica,sans-serif;font-size:15px;"
            + "line-height:1.45;color:#222;margin:0 auto;padding:20px 28px;max-width:1500px}"
            + "h1{font-size:24px}h2{font-size:19px;margin-top:30px;border-bottom:1px solid #ddd;padding-bottom:3px}"
            + "svg{display:block;width:100%;height:auto;max-width:" + FIGURE_MAX_PX + "px;margin:10px 0;"
            + "border:1px solid #eee;box-sizing:border-box}"
            + ".tw{overflow-x:auto;max-width:100%;margin:8px 0}"
            + "table{border-collapse:collapse;font-size:13.5px}th,td{border:1px solid #ccc;padding:4px 8px;"
            + "white-space:nowrap}th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}"
            + "p.note{font-size:13.5px;color:#555;max-width:1100px}"
            + "pre{font-size:13px;line-height:1.35;background:#f7f7f7;padding:10px;overflow-x:auto}";
}
