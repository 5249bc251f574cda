package dev.kappa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Comparison.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
        assertThat(Comparison.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
        assertThat(Comparison.median(List.of())).isNaN();
    }

    @Test
    void verdictComparesTheMediansRatioWithTheGoal() {
        Comparison fast = Comparison.atLeast("dedup", "ev/s", List.of(90.0, 200.0, 210.0), "sql", List.of(100.0), 2);
        Comparison slow = Comparison.atLeast("dedup", "ev/s", List.of(150.0), "sql", List.of(100.0, 90.0, 110.0), 2);
        Comparison latency = Comparison.atMost("p99", "ms", List.of(9_000.0), "interval", List.of(5_000.0), 2);
        Comparison info = Comparison.reference("size", "B", List.of(1.0), "sql", List.of(2.0));

        assertThat(fast.ratio()).isEqualTo(2.0);
        assertThat(fast.verdict()).isEqualTo("met");
        assertThat(slow.ratio()).isEqualTo(1.5);
        assertThat(slow.verdict()).isEqualTo("missed");
        assertThat(latency.verdict()).isEqualTo("met");
        assertThat(Comparison.atMost("p99", "ms", List.of(11_000.0), "interval", List.of(5_000.0), 2).verdict())
                .isEqualTo("missed");
        assertThat(info.verdict()).isEmpty();
        assertThat(fast.goal()).isEqualTo("≥ 2×");
        assertThat(Comparison.atLeast("d", "", List.of(1.0), "p", List.of(1.0), 0.6).goal()).isEqualTo("≥ 0.60×");
    }

    @Test
    void writesTheSameFiguresAsMarkdownCsvAndChart(@TempDir Path dir) throws Exception {
        Report report = new Report("t", List.of(
                Comparison.atLeast("dedup job", "ev/s", List.of(1000.0, 3000.0, 2000.0), "flink sql dedup",
                        List.of(800.0, 1000.0, 900.0), 2),
                Comparison.reference("parquet size", "bytes/row", List.of(62.5), "flink \"sql\"", List.of(70.0))));

        report.write(dir, "machine");

        assertThat(Files.readString(dir.resolve("results.md"))).contains("machine",
                "| dedup job | 2,000 ev/s | 1,000 / 3,000 / 2,000 | flink sql dedup | 900 ev/s | 800 / 1,000 / 900 "
                        + "| 2.22× | ≥ 2× | met |",
                "| parquet size | 62.5 bytes/row | 1 run |");
        assertThat(Files.readAllLines(dir.resolve("results.csv"))).containsExactly(
                "figure,unit,ours_median,ours_runs,baseline,baseline_median,baseline_runs,ratio,goal,verdict",
                "\"dedup job\",\"ev/s\",2000.000,\"1000.000 3000.000 2000.000\",\"flink sql dedup\",900.000,"
                        + "\"800.000 1000.000 900.000\",2.2222,\"≥ 2×\",met",
                "\"parquet size\",\"bytes/row\",62.500,\"62.500\",\"flink \"\"sql\"\"\",70.000,\"70.000\",0.8929,\"\",");
        BufferedImage chart = javax.imageio.ImageIO.read(dir.resolve("results.png").toFile());
        assertThat(chart.getHeight()).isGreaterThan(2 * 34);
    }
}
