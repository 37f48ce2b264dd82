package cnnc.runtime.train;

import cnnc.runtime.io.AtomicFiles;
import cnnc.runtime.io.FileFormatException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The learning curves of a training run as a PNG, as the Keras tutorials draw {@code history.history}: two panels,
 * loss and accuracy per epoch, each with the training line and, where there is one, the validation line, axes with
 * ticks and labels, and a legend placed in the corner the lines leave free.
 *
 * <p>Drawn with {@code java.awt} into a {@link BufferedImage} without a display ({@code java.awt.headless} is set
 * when unset). Text uses the JDK's sans-serif font, or, on a JRE without usable fonts, a built-in 5x7 pixel font, so
 * that a plot is always written. A missing value (NaN: no validation data, a diverged epoch) leaves a gap in its line.
 * The file is written atomically ({@link AtomicFiles}), so it can be rewritten after every epoch and watched.
 */
public final class TrainingPlot {
    /** The image's size in pixels: two panels side by side. */
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 420;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color TRAINING = new Color(31, 119, 180);
    private static final Color VALIDATION = new Color(255, 127, 14);
    private static final Color GRID = new Color(225, 225, 225);
    private static final Color INK = new Color(40, 40, 40);
    private static final int LEFT = 72;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;
    /** Space between the axes and the first and last epoch, so that markers are not cut. */
    private static final int INSET = 10;

    /**
     * One epoch's metrics, NaN where absent.
     *
     * @param epoch the epoch number, from 1
     */
    public record Epoch(int epoch, double loss, double accuracy, double valLoss, double valAccuracy) {
    }

    private TrainingPlot() {
    }

    /** Writes the plot of {@code epochs} (in order; may be empty) to {@code png}, atomically. */
    public static void write(Path png, List<Epoch> epochs) throws IOException {
        write(png, epochs, true);
    }

    static void write(Path png, List<Epoch> epochs, boolean systemFont) throws IOException {
        BufferedImage image = render(epochs, systemFont);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("this Java runtime has no PNG writer");
            }
        });
    }

    /**
     * Plots the log {@code cnnc train --log} writes: a CSV whose header names {@code epoch}, {@code loss} and
     * {@code accuracy} and optionally {@code val_loss} and {@code val_accuracy} (other columns ignored; an empty field
     * is a missing value).
     *
     * @throws FileFormatException naming the file and line, when the CSV is not such a log
     */
    public static void fromCsv(Path csv, Path png) throws IOException {
        write(png, readCsv(csv));
    }

    /** The epochs of the log file {@code csv} (see {@link #fromCsv}). */
    public static List<Epoch> readCsv(Path csv) throws IOException {
        return parseCsv(csv, Files.readString(csv, StandardCharsets.UTF_8));
    }

    /**
     * The epochs of a log's text (see {@link #fromCsv}), as {@code cnnc train} holds it while it runs, so that the plot
     * of a resumed run includes the epochs before it.
     *
     * @param csv the file the text is from, named in messages
     */
    public static List<Epoch> parseCsv(Path csv, String text) throws FileFormatException {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || lines.get(0).isBlank()) {
            throw new FileFormatException(csv, "is empty; a training log starts with the header "
                    + "epoch,loss,accuracy,val_loss,val_accuracy");
        }
        List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::strip).toList();
        int[] at = new int[5];
        String[] names = {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"};
        for (int c = 0; c < names.length; c++) {
            at[c] = header.indexOf(names[c]);
            if (at[c] < 0 && c < 3) {
                throw new FileFormatException(csv, "has no column `" + names[c] + "` in its header `" + lines.get(0)
                        + "`; a training log has epoch,loss,accuracy[,val_loss,val_accuracy]");
            }
        }
        List<Epoch> epochs = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] fields = lines.get(i).split(",", -1);
            if (fields.length != header.size()) {
                throw new FileFormatException(csv, "line " + (i + 1) + " has " + fields.length + " fields, the header "
                        + header.size());
            }
            double[] v = new double[5];
            for (int c = 0; c < 5; c++) {
                v[c] = at[c] < 0 ? Double.NaN : number(csv, i + 1, names[c], fields[at[c]]);
            }
            if (!(v[0] == Math.rint(v[0]) && v[0] >= 0 && v[0] <= Integer.MAX_VALUE)) {
                throw new FileFormatException(csv, "line " + (i + 1) + ": epoch `" + fields[at[0]].strip()
                        + "` is not a whole number");
            }
            epochs.add(new Epoch((int) v[0], v[1], v[2], v[3], v[4]));
        }
        return epochs;
    }

    private static double number(Path csv, int line, String column, String field) throws FileFormatException {
        String s = field.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        if (s.equalsIgnoreCase("inf") || s.equalsIgnoreCase("-inf")) {
            return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new FileFormatException(csv, "line " + line + ": " + column + " `" + s + "` is not a number");
        }
    }

    /** The plot as an image of {@link #WIDTH} x {@link #HEIGHT}. */
    static BufferedImage render(List<Epoch> epochs, boolean systemFont) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            Text text = systemFont ? Text.system(g) : Text.PIXELS;
            double[] x = new double[epochs.size()];
            double[][] loss = new double[2][epochs.size()];
            double[][] accuracy = new double[2][epochs.size()];
            for (int i = 0; i < x.length; i++) {
                Epoch e = epochs.get(i);
                x[i] = e.epoch();
                loss[0][i] = e.loss();
                loss[1][i] = e.valLoss();
                accuracy[0][i] = e.accuracy();
                accuracy[1][i] = e.valAccuracy();
            }
            int half = WIDTH / 2;
            panel(g, text, new Rectangle(0, 0, half, HEIGHT), "model loss", "loss", x, loss);
            panel(g, text, new Rectangle(half, 0, WIDTH - half, HEIGHT), "model accuracy", "accuracy", x, accuracy);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void panel(Graphics2D g, Text text, Rectangle area, String title, String yLabel, double[] x,
            double[][] series) {
        Rectangle plot = new Rectangle(area.x + LEFT, area.y + TOP, area.width - LEFT - RIGHT,
                area.height - TOP - BOTTOM);
        Axis xAxis = Axis.epochs(x);
        Axis yAxis = Axis.values(series);
        g.setColor(INK);
        text.draw(g, title, area.x + area.width / 2.0, area.y + 14, 15, 0.5, true);
        text.draw(g, "epoch", plot.getCenterX(), plot.y + plot.height + 34, 13, 0.5, false);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, area.x + 16, plot.getCenterY());
        text.draw(g, yLabel, area.x + 16, plot.getCenterY() - 8, 13, 0.5, false);
        g.setTransform(saved);

        g.setStroke(new BasicStroke(1f));
        for (double t : yAxis.ticks) {
            double py = yAxis.pixel(t, plot.y + plot.height, plot.y);
            g.setColor(GRID);
            g.draw(new Line2D.Double(plot.x, py, plot.x + plot.width, py));
            g.setColor(INK);
            g.draw(new Line2D.Double(plot.x - 5, py, plot.x, py));
            text.draw(g, yAxis.label(t), plot.x - 8, py - text.height(12) / 2.0, 12, 1, false);
        }
        for (double t : xAxis.ticks) {
            double px = xAxis.pixel(t, plot.x + INSET, plot.x + plot.width - INSET);
            g.setColor(INK);
            g.draw(new Line2D.Double(px, plot.y + plot.height, px, plot.y + plot.height + 5));
            text.draw(g, xAxis.label(t), px, plot.y + plot.height + 8, 12, 0.5, false);
        }
        g.setColor(INK);
        g.draw(new Rectangle(plot.x, plot.y, plot.width, plot.height));

        Color[] colours = {TRAINING, VALIDATION};
        String[] labels = {"training", "validation"};
        List<Integer> shown = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        for (int s = 0; s < series.length; s++) {
            double[] y = series[s];
            if (Arrays.stream(y).noneMatch(Double::isFinite)) {
                continue;
            }
            shown.add(s);
            g.setColor(colours[s]);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            double[] last = null;
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(y[i])) {
                    last = null;
                    continue;
                }
                double[] p = {xAxis.pixel(x[i], plot.x + INSET, plot.x + plot.width - INSET),
                        yAxis.pixel(y[i], plot.y + plot.height, plot.y)};
                if (last != null) {
                    g.draw(new Line2D.Double(last[0], last[1], p[0], p[1]));
                }
                if (x.length <= 60) {
                    g.fill(new Ellipse2D.Double(p[0] - 3.5, p[1] - 3.5, 7, 7));
                }
                points.add(p);
                last = p;
            }
        }
        if (shown.isEmpty()) {
            g.setColor(Color.GRAY);
            text.draw(g, x.length == 0 ? "no epochs yet" : "no values", plot.getCenterX(), plot.getCenterY() - 8, 13,
                    0.5, false);
            return;
        }
        legend(g, text, plot, shown, colours, labels, points);
    }

    /** A legend in whichever corner of the plot covers the fewest points. */
    private static void legend(Graphics2D g, Text text, Rectangle plot, List<Integer> shown, Color[] colours,
            String[] labels, List<double[]> points) {
        int row = text.height(12) + 8;
        int width = 0;
        for (int s : shown) {
            width = Math.max(width, text.width(labels[s], 12));
        }
        width += 48;
        int height = row * shown.size() + 8;
        Rectangle best = null;
        long bestCount = Long.MAX_VALUE;
        int[][] corners = {{plot.x + plot.width - width - 8, plot.y + 8}, {plot.x + plot.width - width - 8,
                plot.y + plot.height - height - 8}, {plot.x + 8, plot.y + 8}, {plot.x + 8,
                plot.y + plot.height - height - 8}};
        for (int[] c : corners) {
            Rectangle r = new Rectangle(c[0], c[1], width, height);
            Rectangle padded = new Rectangle(r.x - 6, r.y - 6, r.width + 12, r.height + 12);
            long count = points.stream().filter(p -> padded.contains(p[0], p[1])).count();
            if (count < bestCount) {
                best = r;
                bestCount = count;
            }
        }
        g.setColor(new Color(255, 255, 255, 230));
        g.fill(best);
        g.setColor(new Color(190, 190, 190));
        g.setStroke(new BasicStroke(1f));
        g.draw(best);
        for (int i = 0; i < shown.size(); i++) {
            int s = shown.get(i);
            double cy = best.y + 4 + row * i + row / 2.0;
            g.setColor(colours[s]);
            g.setStroke(new BasicStroke(2f));
            g.draw(new Line2D.Double(best.x + 8, cy, best.x + 32, cy));
            g.fill(new Ellipse2D.Double(best.x + 16.5, cy - 3.5, 7, 7));
            g.setColor(INK);
            text.draw(g, labels[s], best.x + 40, cy - text.height(12) / 2.0, 12, 0, false);
        }
    }

    /** A linear axis: its range and its ticks at 1, 2 or 5 times a power of ten. */
    private static final class Axis {
        final double lo;
        final double hi;
        final double[] ticks;
        final int decimals;

        private Axis(double lo, double hi, double[] ticks, int decimals) {
            this.lo = lo;
            this.hi = hi;
            this.ticks = ticks;
            this.decimals = decimals;
        }

        /** Whole epochs; one epoch is centred. */
        static Axis epochs(double[] x) {
            if (x.length == 0) {
                return new Axis(0, 1, new double[] {0, 1}, 0);
            }
            double lo = Arrays.stream(x).min().getAsDouble();
            double hi = Arrays.stream(x).max().getAsDouble();
            if (lo == hi) {
                return new Axis(lo - 1, hi + 1, new double[] {lo}, 0);
            }
            double step = Math.max(1, nice((hi - lo) / 8));
            List<Double> ticks = new ArrayList<>();
            for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
                ticks.add(t);
            }
            return new Axis(lo, hi, ticks.stream().mapToDouble(Double::doubleValue).toArray(), 0);
        }

        /** The finite values of every series, widened to whole ticks; a flat line gets room around it. */
        static Axis values(double[][] series) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[] s : series) {
                for (double v : s) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            if (lo > hi) {
                lo = 0;
                hi = 1;
            } else if (lo == hi) {
                double pad = lo == 0 ? 0.5 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double step = nice((hi - lo) / 5);
            double first = Math.floor(lo / step + 1e-9) * step;
            double last = Math.ceil(hi / step - 1e-9) * step;
            int n = (int) Math.round((last - first) / step);
            double[] ticks = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                ticks[i] = first + i * step;
            }
            int exponent = (int) Math.floor(Math.log10(step) + 1e-9);
            return new Axis(first, last, ticks, Math.max(0, -exponent));
        }

        /** The smallest of 1, 2, 5 times a power of ten that is at least {@code raw}. */
        private static double nice(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (m * power >= raw * (1 - 1e-9)) {
                    return m * power;
                }
            }
            return 10 * power;
        }

        /** Where {@code v} falls between the pixels {@code from} (at lo) and {@code to} (at hi). */
        double pixel(double v, double from, double to) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }

        String label(double v) {
            double max = Math.max(Math.abs(lo), Math.abs(hi));
            if (decimals > 5 || max >= 1e6) {
                return String.format(Locale.ROOT, "%.2g", v);
            }
            String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
            return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
        }
    }

    /** Draws text: with a system font, or with the built-in pixel font where the JRE has none. */
    private abstract static class Text {
        /** Draws {@code s} with its top at {@code y}, {@code align} 0 left, 0.5 centre, 1 right of {@code x}. */
        final void draw(Graphics2D g, String s, double x, double y, int size, double align, boolean bold) {
            draw(g, s, (float) (x - align * width(s, size, bold)), (float) y, size, bold);
        }

        int width(String s, int size) {
            return width(s, size, false);
        }

        abstract int width(String s, int size, boolean bold);

        abstract int height(int size);

        abstract void draw(Graphics2D g, String s, float x, float top, int size, boolean bold);

        /** The JDK's sans-serif font, or the pixel font when fonts cannot be loaded (a JRE without fontconfig). */
        static Text system(Graphics2D g) {
            try {
                g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12)).stringWidth("0.5");
                return new SystemText(g);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                return PIXELS;
            }
        }

        static final Text PIXELS = new PixelText();
    }

    private static final class SystemText extends Text {
        private final Graphics2D g;

        SystemText(Graphics2D g) {
            this.g = g;
        }

        private static Font font(int size, boolean bold) {
            return new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, size);
        }

        @Override
        int width(String s, int size, boolean bold) {
            return g.getFontMetrics(font(size, bold)).stringWidth(s);
        }

        @Override
        int height(int size) {
            return g.getFontMetrics(font(size, false)).getAscent();
        }

        @Override
        void draw(Graphics2D target, String s, float x, float top, int size, boolean bold) {
            target.setFont(font(size, bold));
            target.drawString(s, x, top + target.getFontMetrics().getAscent());
        }
    }

    /** A 5x7 pixel font for digits, lower-case letters and a few signs, drawn two device pixels per dot. */
    private static final class PixelText extends Text {
        /** Each glyph: its character, then its seven rows top down as two hex digits, 0x10 the leftmost dot. */
        private static final String[] GLYPHS = {"00E11131519110E", "1040C040404040E", "20E11010204081F",
                "31F02040201110E", "402060A121F0202", "51F101E0101110E", "60608101E11110E", "71F010204080808",
                "80E11110E11110E", "90E11110F01020C", ".000000000C0C00", "-0000001F000000", "+0004041F040400",
                "%18190204081303", "(02040808080402", ")08040202020408", "/00010204081000", "_0000000000001F",
                ":000C0C000C0C00", "a00000E010F110F", "b1010161911111E", "c00000E1010110E", "d01010D1311110F",
                "e00000E111F100E", "f0609081C080808", "g000F11110F010E", "h10101619111111", "i04000C0404040E",
                "j0200060202120C", "k10101214181412", "l0C04040404040E", "m00001A15151111", "n00001619111111",
                "o00000E1111110E", "p00001E111E1010", "q00000D130F0101", "r00001619101010", "s00000E100E011E",
                "t08081C08080906", "u0000111111130D", "v00001111110A04", "w0000111115150A", "x0000110A040A11",
                "y000011110F010E", "z00001F0204081F"};
        private static final int[][] TABLE = table();
        private static final int DOT = 2;

        private static int[][] table() {
            int[][] t = new int[128][];
            for (String entry : GLYPHS) {
                char c = entry.charAt(0);
                String hex = entry.substring(1);
                int[] rows = new int[7];
                for (int r = 0; r < 7; r++) {
                    rows[r] = Integer.parseInt(hex.substring(2 * r, 2 * r + 2), 16);
                }
                t[c] = rows;
            }
            return t;
        }

        @Override
        int width(String s, int size, boolean bold) {
            return s.length() * 6 * DOT - DOT;
        }

        @Override
        int height(int size) {
            return 7 * DOT;
        }

        @Override
        void draw(Graphics2D g, String s, float x, float top, int size, boolean bold) {
            Object hint = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            for (int i = 0; i < s.length(); i++) {
                char c = Character.toLowerCase(s.charAt(i));
                int[] rows = c < 128 ? TABLE[c] : null;
                int left = Math.round(x) + i * 6 * DOT;
                int y0 = Math.round(top);
                if (rows == null) {
                    if (c != ' ') {
                        g.drawRect(left, y0, 5 * DOT - 1, 7 * DOT - 1);
                    }
                    continue;
                }
                for (int r = 0; r < 7; r++) {
                    for (int col = 0; col < 5; col++) {
                        if ((rows[r] & (0x10 >> col)) != 0) {
                            g.fillRect(left + col * DOT, y0 + r * DOT, DOT + (bold ? 1 : 0), DOT);
                        }
                    }
                }
            }
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, hint);
        }
    }
}
