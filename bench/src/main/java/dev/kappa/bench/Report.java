package dev.kappa.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

/** The results as a markdown table, a CSV file and a PNG chart of each ratio against its goal. */
public final class Report {

    private final String title;
    private final List<Comparison> rows;

    public Report(String title, List<Comparison> rows) {
        this.title = title;
        this.rows = List.copyOf(rows);
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| figure | ours (median) | runs | baseline | baseline (median) | runs | ratio | goal | |\n");
        out.append("|---|---:|---|---|---:|---|---:|---|---|\n");
        for (Comparison row : rows) {
            out.append("| ").append(row.figure())
                    .append(" | ").append(number(row.oursMedian())).append(' ').append(row.unit())
                    .append(" | ").append(samples(row.ours()))
                    .append(" | ").append(row.baseline())
                    .append(" | ").append(number(row.baseMedian())).append(' ').append(row.unit())
                    .append(" | ").append(samples(row.base()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f×", row.ratio()))
                    .append(" | ").append(row.goal())
                    .append(" | ").append(row.verdict())
                    .append(" |\n");
        }
        return out.toString();
    }

    public String csv() {
        StringBuilder out = new StringBuilder(
                "figure,unit,ours_median,ours_runs,baseline,baseline_median,baseline_runs,ratio,goal,verdict\n");
        for (Comparison row : rows) {
            out.append(String.join(",", quote(row.figure()), quote(row.unit()), plain(row.oursMedian()),
                    quote(runs(row.ours())), quote(row.baseline()), plain(row.baseMedian()), quote(runs(row.base())),
                    String.format(Locale.ROOT, "%.4f", row.ratio()), quote(row.goal()), row.verdict()))
                    .append('\n');
        }
        return out.toString();
    }

    /** Writes results.md, results.csv and results.png into {@code dir}. */
    public void write(Path dir, String preamble) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), "# " + title + "\n\n" + preamble + "\n\n" + markdown());
        Files.writeString(dir.resolve("results.csv"), csv());
        ImageIO.write(chart(), "png", dir.resolve("results.png").toFile());
    }

    /** One horizontal bar per figure: its ratio to the baseline, with the goal drawn as a red tick. */
    BufferedImage chart() {
        int rowHeight = 34;
        int labelWidth = 430;
        int plotWidth = 520;
        int top = 50;
        int width = labelWidth + plotWidth + 90;
        int height = top + rowHeight * rows.size() + 40;
        double max = 1;
        for (Comparison row : rows) {
            max = Math.max(max, Double.isFinite(row.ratio()) ? row.ratio() : 0);
            max = Math.max(max, row.minRatio() != null ? row.minRatio() : 0);
            max = Math.max(max, row.maxRatio() != null ? row.maxRatio() : 0);
        }
        double scale = plotWidth / (max * 1.05);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title + ": ratio to baseline (red: goal)", 10, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int one = labelWidth + (int) Math.round(scale);
        g.setColor(Color.GRAY);
        g.drawLine(one, top - 8, one, height - 30);
        g.drawString("1×", one - 6, height - 14);
        for (int i = 0; i < rows.size(); i++) {
            Comparison row = rows.get(i);
            int y = top + i * rowHeight;
            g.setColor(Color.BLACK);
            g.drawString(row.figure() + " vs " + row.baseline(), 10, y + 17);
            double ratio = Double.isFinite(row.ratio()) ? row.ratio() : 0;
            String verdict = row.verdict();
            g.setColor(verdict.equals("missed") ? new Color(230, 150, 60) : new Color(70, 130, 200));
            g.fillRect(labelWidth, y + 4, (int) Math.round(ratio * scale), rowHeight - 12);
            int textX = labelWidth + (int) Math.round(ratio * scale) + 6;
            Double goal = row.minRatio() != null ? row.minRatio() : row.maxRatio();
            if (goal != null) {
                int x = labelWidth + (int) Math.round(goal * scale);
                g.setColor(Color.RED);
                g.setStroke(new BasicStroke(3));
                g.drawLine(x, y + 1, x, y + rowHeight - 5);
                g.setStroke(new BasicStroke(1));
                textX = Math.max(textX, x + 8);
            }
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2f×", ratio), textX, y + 17);
        }
        g.dispose();
        return image;
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.3g", value);
    }

    private static String samples(List<Double> values) {
        return values.size() <= 1 ? "1 run" : values.stream().map(Report::number).collect(Collectors.joining(" / "));
    }

    private static String runs(List<Double> values) {
        return values.stream().map(Report::plain).collect(Collectors.joining(" "));
    }

    private static String plain(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
