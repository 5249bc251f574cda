package dev.kappa.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of the results: a figure of ours next to the baseline it is judged against, both
 * measured in the same run, each as the median of its samples, and the goal for their ratio.
 *
 * @param minRatio the ratio ours/baseline must reach (throughput), or null
 * @param maxRatio the ratio ours/baseline must not exceed (latency, size), or null
 */
public record Comparison(String figure, String unit, List<Double> ours, String baseline, List<Double> base,
        Double minRatio, Double maxRatio) {

    public Comparison {
        ours = List.copyOf(ours);
        base = List.copyOf(base);
    }

    public static Comparison atLeast(String figure, String unit, List<Double> ours, String baseline,
            List<Double> base, double minRatio) {
        return new Comparison(figure, unit, ours, baseline, base, minRatio, null);
    }

    public static Comparison atMost(String figure, String unit, List<Double> ours, String baseline,
            List<Double> base, double maxRatio) {
        return new Comparison(figure, unit, ours, baseline, base, null, maxRatio);
    }

    /** A figure shown against a reference without a goal. */
    public static Comparison reference(String figure, String unit, List<Double> ours, String baseline,
            List<Double> base) {
        return new Comparison(figure, unit, ours, baseline, base, null, null);
    }

    public double oursMedian() {
        return median(ours);
    }

    public double baseMedian() {
        return median(base);
    }

    public double ratio() {
        return oursMedian() / baseMedian();
    }

    public String goal() {
        if (minRatio != null) {
            return "≥ " + trim(minRatio) + "×";
        }
        return maxRatio != null ? "≤ " + trim(maxRatio) + "×" : "";
    }

    /** "met", "missed", or "" without a goal. */
    public String verdict() {
        if (minRatio == null && maxRatio == null) {
            return "";
        }
        boolean met = (minRatio == null || ratio() >= minRatio) && (maxRatio == null || ratio() <= maxRatio);
        return met ? "met" : "missed";
    }

    /** The median; of an even count, the mean of the middle two. NaN when there are no samples. */
    public static double median(List<Double> samples) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }
}
