package dev.kappa.jobs.dedup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.KeyedStateCheckpointOutputStream;

/**
 * One {@link ExpiringIdTable} per key group a dedup subtask owns, checkpointed as Flink's raw keyed
 * state: each key group's ids in their own section, so that on a rescale Flink hands every section
 * to the subtask that now owns its key group, as it does with keyed state.
 */
final class ExpiringIdTables {

    /** Leads each key group's section, so that a later layout can tell this one apart. */
    private static final byte FORMAT = 1;

    private final KeyGroupRange keyGroups;
    private final ExpiringIdTable[] tables;

    ExpiringIdTables(KeyGroupRange keyGroups) {
        this.keyGroups = keyGroups;
        this.tables = new ExpiringIdTable[keyGroups.getNumberOfKeyGroups()];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = new ExpiringIdTable();
        }
    }

    ExpiringIdTable of(int keyGroup) {
        return tables[keyGroup - keyGroups.getStartKeyGroup()];
    }

    long size() {
        long size = 0;
        for (ExpiringIdTable table : tables) {
            size += table.size();
        }
        return size;
    }

    /** Forgets every id whose expiry is at or before {@code watermark}; returns how many. */
    long forgetExpired(long watermark) {
        long forgotten = 0;
        for (ExpiringIdTable table : tables) {
            forgotten += table.forgetExpired(watermark);
        }
        return forgotten;
    }

    void write(KeyedStateCheckpointOutputStream out) throws IOException {
        // unbuffered, so each key group's section starts where Flink records it
        DataOutputStream data = new DataOutputStream(out);
        for (int keyGroup : keyGroups) {
            out.startNewKeyGroup(keyGroup);
            data.writeByte(FORMAT);
            of(keyGroup).write(data);
        }
    }

    /** Adds the sections of the key groups this subtask owns. */
    void read(Iterable<KeyGroupStatePartitionStreamProvider> sections) throws IOException {
        for (KeyGroupStatePartitionStreamProvider section : sections) {
            int keyGroup = section.getKeyGroupId();
            if (!keyGroups.contains(keyGroup)) {
                continue;
            }
            DataInputStream in = new DataInputStream(section.getStream());
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IOException("The dedup state of key group " + keyGroup + " has layout " + format
                        + ", which this version cannot read (it reads layout " + FORMAT + "). Either another"
                        + " version of dedup took this checkpoint or savepoint, or it was taken on RocksDB with"
                        + " state.backend.rocksdb.timer-service.factory: HEAP, whose timers Flink wrote where"
                        + " dedup keeps its ids. Restore it with the version and settings that took it, or start"
                        + " dedup without it.");
            }
            of(keyGroup).read(in);
        }
    }

    /** Calls {@code each} with every id held, key group by key group. */
    void forEach(ExpiringIdTable.IdConsumer each) throws Exception {
        for (ExpiringIdTable table : tables) {
            table.forEach(each);
        }
    }
}
