package dev.kappa.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class HourPartitionsTest {

    @Test
    void anEventTimeBelongsToItsUtcHourAndThePartitionEndsAtTheNextHour() {
        long time = Instant.parse("2026-03-01T09:59:59.999Z").toEpochMilli();
        assertThat(HourPartitions.of(time)).isEqualTo("dt=2026-03-01/hr=09");
        assertThat(HourPartitions.end("dt=2026-03-01/hr=09")).isEqualTo(time + 1);
        assertThat(HourPartitions.endOf(time)).isEqualTo(time + 1);
        assertThat(HourPartitions.of(time + 1)).isEqualTo("dt=2026-03-01/hr=10");
        assertThat(HourPartitions.of(Instant.parse("1969-12-31T23:30:00Z").toEpochMilli()))
                .isEqualTo("dt=1969-12-31/hr=23");
        assertThat(HourPartitions.end("dt=2025-12-31/hr=23")).isEqualTo(Instant.parse("2026-01-01T00:00:00Z")
                .toEpochMilli());
    }

    @Test
    void theCachedNameFollowsTheHour() {
        HourPartitions partitions = new HourPartitions();
        long time = Instant.parse("2026-03-01T00:10:00Z").toEpochMilli();
        assertThat(partitions.partitionOf(time)).isEqualTo("dt=2026-03-01/hr=00");
        assertThat(partitions.partitionOf(time + 3_600_000)).isEqualTo("dt=2026-03-01/hr=01");
        assertThat(partitions.partitionOf(time)).isEqualTo("dt=2026-03-01/hr=00");
    }

    @Test
    void anythingElseIsNotAPartition() {
        assertThatThrownBy(() -> HourPartitions.end("dt=2026-03-01")).isInstanceOf(IllegalArgumentException.class);
    }
}
