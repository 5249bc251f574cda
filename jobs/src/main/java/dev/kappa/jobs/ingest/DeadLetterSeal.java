package dev.kappa.jobs.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.event.RejectReason;
import dev.kappa.common.kafka.DeadLetterHeaders;

/**
 * Keeps configured PII fields out of the dead-letter topic, whose retention is forever: a rejected
 * record's key, value and detail (which may echo input) are sealed with AES-256-GCM under a key
 * derived from ingest.pii.key, and what parses of the value is shown beside them with the PII fields
 * hashed as on the log. {@code kappa dlq redrive} opens them with the same key. Not thread-safe.
 */
public final class DeadLetterSeal {

    private static final String CIPHER = "AES/GCM/NoPadding";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    /**
     * The AES key is the HMAC of this under ingest.pii.key, as PII hashes are HMACs of UTF-8 values
     * under the same key: the leading 0xFF, which UTF-8 never holds, keeps any value's hash, on the log
     * or in a masked value, from being this key.
     */
    private static final byte[] KEY_PURPOSE = purpose("kappa dead-letter encryption v1");
    /** Sealed claim-check files are named by this HMAC of what they hold, so a value kept twice is one file. */
    private static final byte[] NAME_PURPOSE = purpose("kappa claim-check name v1");

    private final SecretKeySpec key;
    private final SecretKeySpec nameKey;
    private final PiiMasker masker;
    private final List<String> topLevelFields;
    private final SecureRandom random = new SecureRandom();
    private final ObjectMapper json = new ObjectMapper();

    /** The seal ingest's settings call for: null when no PII fields are configured, as letters then stay in clear. */
    static DeadLetterSeal of(IngestSettings settings) {
        return settings.piiFields().isEmpty() ? null : new DeadLetterSeal(settings.piiFields(), settings.piiKey());
    }

    public DeadLetterSeal(List<String> piiFields, String piiKey) {
        this.key = new SecretKeySpec(derive(piiKey, KEY_PURPOSE), "AES");
        this.nameKey = new SecretKeySpec(derive(piiKey, NAME_PURPOSE), "HmacSHA256");
        this.masker = new PiiMasker(piiFields, piiKey);
        // an unknown top-level field moves into payload before masking, so payload.x may arrive as x
        this.topLevelFields = piiFields.stream().filter(f -> f.startsWith("payload."))
                .map(f -> f.substring("payload.".length())).toList();
    }

    /**
     * The dead letter for {@code raw}, sealed; parts already kept in claim checks (sealed as they were
     * written) stay there. {@code value} is the original value, claimed or not, for the masked copy.
     */
    public DeadLetter letter(RawRecord raw, byte[] value, RejectReason reason, String detail) {
        RawRecord sealed = new RawRecord(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), seal(raw.key()),
                seal(raw.value()), raw.file(), raw.fallbackId(), raw.claimCheck(), raw.keyClaimCheck());
        String sealedDetail = Base64.getEncoder().encodeToString(
                seal(DeadLetterHeaders.cut(detail).getBytes(StandardCharsets.UTF_8)));
        return new DeadLetter(sealed, reason, sealedDetail, masked(value), true);
    }

    private byte[] seal(byte[] plain) {
        if (plain == null) {
            return null;
        }
        Sealer sealer = sealer();
        byte[] sealed = sealer.finish(plain, 0, plain.length);
        return ByteBuffer.allocate(IV_BYTES + sealed.length).put(sealer.iv()).put(sealed).array();
    }

    /** Seals a value piece by piece (a bulk-file line too long for memory); the same format as a sealed letter. */
    public Sealer sealer() {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance(CIPHER);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            Mac name = Mac.getInstance("HmacSHA256");
            name.init(nameKey);
            return new Sealer(iv, cipher, name);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * One value being sealed: write {@link #iv()} first, then what update and finish return. {@code
     * name} is a keyed hash of the plain value, to name a file by its content without revealing it.
     */
    public record Sealer(byte[] iv, Cipher cipher, Mac name) {
        public byte[] update(byte[] plain, int offset, int length) {
            name.update(plain, offset, length);
            byte[] sealed = cipher.update(plain, offset, length);
            return sealed == null ? new byte[0] : sealed;
        }

        public byte[] finish(byte[] plain, int offset, int length) {
            name.update(plain, offset, length);
            try {
                return cipher.doFinal(plain, offset, length);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            }
        }
    }

    /** Opens what {@link #letter} sealed; fails if {@code piiKey} is not the key it was sealed with. */
    public static byte[] open(byte[] sealed, String piiKey) throws GeneralSecurityException {
        if (sealed == null) {
            return null;
        }
        Cipher cipher = Cipher.getInstance(CIPHER);
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(derive(piiKey, KEY_PURPOSE), "AES"),
                new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
        return cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    }

    private static byte[] purpose(String label) {
        byte[] text = label.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + text.length).put((byte) 0xFF).put(text).array();
    }

    private static byte[] derive(String piiKey, byte[] purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(piiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(purpose);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The value as JSON with its PII fields hashed, or null when it is no JSON object. */
    private String masked(byte[] value) {
        if (value == null) {
            return null;
        }
        JsonNode root;
        try {
            root = json.readTree(value);
        } catch (Exception unparsable) {
            return null;
        }
        if (!(root instanceof ObjectNode envelope)) {
            return null;
        }
        masker.maskEnvelope(envelope, topLevelFields);
        String text = envelope.toString();
        int max = DeadLetterHeaders.MAX_MASKED_CHARS;
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
