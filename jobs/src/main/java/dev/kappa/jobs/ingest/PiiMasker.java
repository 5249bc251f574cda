package dev.kappa.jobs.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.kappa.common.event.Event;

/**
 * Replaces configured fields by a keyed hash before they reach the log, so the log can be kept for
 * years and replayed without holding personal data, while equal values still join and group. Keyed
 * (HMAC) rather than plain SHA-256 so that nobody without the key can confirm a guessed value.
 * Not thread-safe.
 */
public final class PiiMasker {

    private final Mac mac;
    private final boolean maskSource;
    private final List<String[]> payloadPaths;

    public PiiMasker(List<String> fields, String key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        maskSource = fields.contains("source");
        payloadPaths = fields.stream().filter(f -> f.startsWith("payload."))
                .map(f -> f.substring("payload.".length()).split("\\.")).toList();
    }

    public Event mask(Event event) {
        Event masked = event;
        if (maskSource && event.source() != null) {
            masked = masked.withSource(hash(event.source()));
        }
        if (event.payload() != null) {
            for (String[] path : payloadPaths) {
                maskPath(event.payload(), path);
            }
        }
        return masked;
    }

    /**
     * Masks the configured fields in a raw envelope as parsed JSON, also where an unknown top-level
     * field would have moved into payload; for showing a rejected record without its PII.
     */
    public void maskEnvelope(ObjectNode envelope, List<String> topLevelFields) {
        JsonNode source = envelope.get("source");
        if (maskSource && source != null && !source.isNull()) {
            envelope.put("source", hash(text(source)));
        }
        if (envelope.get("payload") instanceof ObjectNode payload) {
            for (String[] path : payloadPaths) {
                maskPath(payload, path);
            }
        }
        for (String field : topLevelFields) {
            maskPath(envelope, field.split("\\."));
        }
    }

    private void maskPath(ObjectNode root, String[] path) {
        JsonNode node = root;
        for (int i = 0; i < path.length - 1; i++) {
            node = node.get(path[i]);
            if (node == null || !node.isObject()) {
                return;
            }
        }
        ObjectNode parent = (ObjectNode) node;
        JsonNode value = parent.get(path[path.length - 1]);
        if (value != null && !value.isNull()) {
            parent.set(path[path.length - 1], TextNode.valueOf(hash(text(value))));
        }
    }

    /**
     * The text a value is hashed as. A decimal as the double it was parsed into before numbers kept
     * their exact text, so 12.5 and 12.50 hash alike, as they did.
     */
    private static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        return value.isBigDecimal() ? DoubleNode.valueOf(value.doubleValue()).toString() : value.toString();
    }

    /** Hex HMAC-SHA256 of the value's UTF-8 bytes; equal inputs give equal outputs under one key. */
    public String hash(String value) {
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }
}
