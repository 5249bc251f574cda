package dev.kappa.jobs.dedup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;

import dev.kappa.common.event.LoggedEvent;

/**
 * Keys dedup state by the first 128 bits of the SHA-256 of the event_id instead of the id itself:
 * a fixed 16 bytes per key however long the id (up to 128 characters), and the key is stored
 * twice per id (with its expiry, and in the list of ids that expire in its time slot). The chance
 * that two of a billion distinct ids share a key is about 10^-21; SHA-256 rather than a faster hash so that no producer can craft an id that
 * collides with another producer's.
 */
public final class EventIdKey implements KeySelector<LoggedEvent, Tuple2<Long, Long>> {

    public static final TypeInformation<Tuple2<Long, Long>> TYPE = Types.TUPLE(Types.LONG, Types.LONG);

    private transient MessageDigest sha256;

    @Override
    public Tuple2<Long, Long> getKey(LoggedEvent logged) {
        return of(logged.event().eventId());
    }

    public Tuple2<Long, Long> of(String eventId) {
        if (sha256 == null) {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
        ByteBuffer digest = ByteBuffer.wrap(sha256.digest(eventId.getBytes(StandardCharsets.UTF_8)));
        return Tuple2.of(digest.getLong(), digest.getLong());
    }
}
