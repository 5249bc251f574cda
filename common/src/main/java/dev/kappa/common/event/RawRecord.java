package dev.kappa.common.event;

/**
 * One record as it arrived, before any parsing, with where it came from: a Kafka record
 * ({@code topic}, {@code partition}, {@code offset}, {@code timestamp}) or a line of a bulk file
 * ({@code file}, byte {@code offset}, {@code partition} -1). Provenance travels with the bytes so
 * that a dead letter can always be traced back and re-ingested.
 *
 * @param fallbackId the id to use when the event has none; set for file lines (file identity plus
 *     byte offset), null for Kafka records
 * @param claimCheck where the whole value is kept when it is too large to carry ({@code value} is
 *     then null); null otherwise
 * @param keyClaimCheck the same for the key
 */
public record RawRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        String file,
        String fallbackId,
        String claimCheck,
        String keyClaimCheck) {

    public static RawRecord fromKafka(String topic, int partition, long offset, long timestamp, byte[] key,
            byte[] value) {
        return fromKafka(topic, partition, offset, timestamp, key, value, null);
    }

    /** A Kafka record that carries the id its event gets if it has none (a re-driven bulk-file line). */
    public static RawRecord fromKafka(String topic, int partition, long offset, long timestamp, byte[] key,
            byte[] value, String fallbackId) {
        return new RawRecord(topic, partition, offset, timestamp, key, value, null, fallbackId, null, null);
    }

    public static RawRecord fromFile(String file, long byteOffset, byte[] line, String fallbackId) {
        return new RawRecord(null, -1, byteOffset, -1L, null, line, file, fallbackId, null, null);
    }

    /** This record with its value replaced by where the value is kept whole. */
    public RawRecord withValueClaimed(String uri) {
        return new RawRecord(topic, partition, offset, timestamp, key, null, file, fallbackId, uri, keyClaimCheck);
    }

    /** This record with its key replaced by where the key is kept whole. */
    public RawRecord withKeyClaimed(String uri) {
        return new RawRecord(topic, partition, offset, timestamp, null, value, file, fallbackId, claimCheck, uri);
    }

    /** Human-readable origin for logs and messages: {@code topic/partition@offset} or {@code file@offset}. */
    public String origin() {
        return file != null ? file + "@" + offset : topic + "/" + partition + "@" + offset;
    }
}
