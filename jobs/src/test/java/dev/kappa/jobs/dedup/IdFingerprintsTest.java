package dev.kappa.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class IdFingerprintsTest {

    /**
     * Against a plain multiset, through growth and shrinking: fingerprints drawn from few values and
     * with equal low bits, so runs wrap around the table's end and entries shift back past each other.
     */
    @Test
    void holdsExactlyTheFingerprintsAddedAndNotRemoved() {
        SplittableRandom random = new SplittableRandom(3);
        IdFingerprints fingerprints = new IdFingerprints();
        Map<Long, Integer> model = new HashMap<>();
        List<Long> held = new ArrayList<>();
        for (int step = 0; step < 400_000; step++) {
            // grow to about 20,000 held, then drain, then grow again
            boolean adding = held.isEmpty() || random.nextInt(100) < (step % 200_000 < 100_000 ? 70 : 30);
            if (adding) {
                long fingerprint = fingerprint(random);
                fingerprints.add(fingerprint);
                model.merge(fingerprint, 1, Integer::sum);
                held.add(fingerprint);
            } else {
                long fingerprint = held.remove(random.nextInt(held.size()));
                fingerprints.remove(fingerprint);
                model.merge(fingerprint, -1, (a, b) -> a + b == 0 ? null : a + b);
            }
            long probe = fingerprint(random);
            assertThat(fingerprints.mightContain(probe)).as("step %d, %d", step, probe)
                    .isEqualTo(model.containsKey(probe) || probe == 0 && model.containsKey(1L)
                            || probe == 1 && model.containsKey(0L));
            assertThat(fingerprints.size()).isEqualTo(held.size());
        }
        for (long fingerprint : model.keySet()) {
            assertThat(fingerprints.mightContain(fingerprint)).isTrue();
        }
    }

    @Test
    void removingWhatWasNeverAddedChangesNothing() {
        IdFingerprints fingerprints = new IdFingerprints();
        fingerprints.add(42);
        fingerprints.remove(7);
        assertThat(fingerprints.size()).isEqualTo(1);
        assertThat(fingerprints.mightContain(42)).isTrue();
    }

    private static long fingerprint(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(3);
            // same low 16 bits: one home slot in any table this test grows
            case 1 -> (random.nextLong() << 16) | 0x7FFF;
            case 2 -> -1L - random.nextInt(50_000);
            default -> random.nextLong(60_000);
        };
    }
}
