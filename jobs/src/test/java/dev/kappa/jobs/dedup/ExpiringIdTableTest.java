package dev.kappa.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.junit.jupiter.api.Test;

class ExpiringIdTableTest {

    private record Id(long hi, long lo) { }

    /**
     * Against a plain map, through growth and sweeps that shrink it: keys drawn so that many share low
     * bits (long probe runs that wrap around the array's end), expiries re-set up and down.
     */
    @Test
    void holdsExactlyTheIdsPutAndNotExpired() {
        SplittableRandom random = new SplittableRandom(5);
        ExpiringIdTable table = new ExpiringIdTable();
        Map<Id, Long> model = new HashMap<>();
        List<Id> seen = new ArrayList<>();
        long watermark = 0;
        for (int step = 0; step < 300_000; step++) {
            int action = random.nextInt(100);
            if (action < 70 || seen.isEmpty()) {
                Id id = random.nextInt(4) == 0 && !seen.isEmpty() ? seen.get(random.nextInt(seen.size())) : id(random);
                long expires = watermark + 1 + random.nextInt(10_000);
                assertThat(table.put(id.hi(), id.lo(), expires)).isEqualTo(!model.containsKey(id));
                model.put(id, expires);
                seen.add(id);
            } else if (action < 71) {
                watermark += random.nextInt(3_000);
                long cutoff = watermark;
                int expired = (int) model.values().stream().filter(expires -> expires <= cutoff).count();
                assertThat(table.forgetExpired(watermark)).isEqualTo(expired);
                model.values().removeIf(expires -> expires <= cutoff);
            }
            Id probe = random.nextBoolean() || seen.isEmpty() ? id(random) : seen.get(random.nextInt(seen.size()));
            assertThat(table.expiryOf(probe.hi(), probe.lo())).as("step %d", step)
                    .isEqualTo(model.getOrDefault(probe, ExpiringIdTable.NOT_REMEMBERED));
            assertThat(table.size()).isEqualTo(model.size());
        }
        model.forEach((id, expires) -> assertThat(table.expiryOf(id.hi(), id.lo())).isEqualTo(expires));
        assertThat(table.forgetExpired(Long.MAX_VALUE)).isEqualTo(model.size());
        assertThat(table.size()).isZero();
    }

    @Test
    void whatIsWrittenReadsBackAndAMergeKeepsTheLaterExpiry() throws Exception {
        ExpiringIdTable written = new ExpiringIdTable();
        SplittableRandom random = new SplittableRandom(9);
        Map<Id, Long> model = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Id id = id(random);
            long expires = random.nextLong();
            written.put(id.hi(), id.lo(), expires);
            model.put(id, expires);
        }
        written.put(0, 0, 42);
        model.put(new Id(0, 0), 42L);

        ExpiringIdTable read = new ExpiringIdTable();
        Id held = model.keySet().iterator().next();
        read.put(held.hi(), held.lo(), Long.MAX_VALUE);
        read.read(roundTrip(written));
        assertThat(read.size()).isEqualTo(model.size());
        model.forEach((id, expires) -> assertThat(read.expiryOf(id.hi(), id.lo()))
                .isEqualTo(id.equals(held) ? Long.MAX_VALUE : expires));
        Map<Id, Long> visited = new HashMap<>();
        read.forEach((hi, lo, expires) -> visited.put(new Id(hi, lo == 1 && hi == 0 ? 0 : lo), expires));
        assertThat(visited).hasSize(model.size());
    }

    @Test
    void anEmptyTableWritesItsCountAlone() throws Exception {
        ExpiringIdTable read = new ExpiringIdTable();
        read.read(roundTrip(new ExpiringIdTable()));
        assertThat(read.size()).isZero();
    }

    @Test
    void aSectionOfAnUnknownLayoutFailsTheRestoreNamingTheLikelyCauses() {
        ExpiringIdTables tables = new ExpiringIdTables(new KeyGroupRange(0, 3));
        byte[] section = {-15, 0, 0, 0, 0};
        assertThatThrownBy(() -> tables.read(List.of(new KeyGroupStatePartitionStreamProvider(
                new ByteArrayInputStream(section), 2))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("key group 2 has layout -15")
                .hasMessageContaining("state.backend.rocksdb.timer-service.factory: HEAP");
    }

    private static DataInputStream roundTrip(ExpiringIdTable table) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            table.write(out);
        }
        assertThat(bytes.size()).isEqualTo(Integer.BYTES + 24 * table.size());
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    /**
     * Many ids that probe from the same few entries: the index mixes lo with hi shifted right by 29,
     * so hi varies only in the bits that shift out, and lo has few distinct low bits.
     */
    private static Id id(SplittableRandom random) {
        return new Id(random.nextLong() >>> 35, random.nextInt(64) * 4096L + random.nextInt(3));
    }
}
