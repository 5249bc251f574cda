package dev.kappa.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillingSorterTest {

    @TempDir
    Path spill;

    private static List<SpillingSorter.Entry> drain(Iterator<SpillingSorter.Entry> sorted) {
        List<SpillingSorter.Entry> out = new ArrayList<>();
        sorted.forEachRemaining(out::add);
        return out;
    }

    /** Enough entries for hundreds of runs, so that runs are merged while adding too. */
    @Test
    void sortsWhatDoesNotFitInOneRunAndLeavesNoFileBehind() throws Exception {
        Random random = new Random(7);
        List<SpillingSorter.Entry> added = new ArrayList<>();
        try (SpillingSorter sorter = new SpillingSorter(SpillingSorter.BY_ID, 50, spill)) {
            for (int i = 0; i < 30_000; i++) {
                String id = "id-" + random.nextInt(20_000) + (i % 7 == 0 ? "-é\uD83D\uDE00" : "");
                long position = random.nextInt(1 << 20);
                sorter.add(id, position);
                added.add(new SpillingSorter.Entry(id, position));
            }
            added.sort(SpillingSorter.BY_ID);
            assertThat(sorter.size()).isEqualTo(added.size());
            assertThat(drain(sorter.sorted())).containsExactlyElementsOf(added);
        }
        try (Stream<Path> left = Files.list(spill)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void sortsByPositionInMemoryWhenOneRunHoldsAll() {
        try (SpillingSorter sorter = new SpillingSorter(SpillingSorter.BY_POSITION, 100, spill)) {
            sorter.add("b", 3);
            sorter.add("a", 1);
            sorter.add("c", 2);
            assertThat(drain(sorter.sorted())).extracting(SpillingSorter.Entry::id).containsExactly("a", "c", "b");
        }
    }
}
