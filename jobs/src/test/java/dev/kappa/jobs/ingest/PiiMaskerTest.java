package dev.kappa.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.kappa.common.event.Event;
import dev.kappa.common.event.EventCodec;
import dev.kappa.common.event.ParsePolicy;

class PiiMaskerTest {

    private static final EventCodec CODEC = new EventCodec(new ParsePolicy(1 << 20, 16,
            ParsePolicy.UnknownFields.PAYLOAD, Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(1)));
    private final PiiMasker masker = new PiiMasker(List.of("payload.score"), "0123456789abcdef-mask-key");

    private String maskedScore(String score) {
        Event event = CODEC.parse(("{\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,"
                + "\"payload\":{\"score\":" + score + "}}").getBytes(StandardCharsets.UTF_8));
        return masker.mask(event).payload().get("score").asText();
    }

    /** Numbers keep their exact text in events now; their hashes must not change with that. */
    @Test
    void aDecimalHashesAsTheDoubleItWasParsedIntoBefore() {
        assertThat(maskedScore("12.50")).isEqualTo(masker.hash("12.5")).isEqualTo(maskedScore("12.5"));
        assertThat(maskedScore("7")).isEqualTo(masker.hash("7"));
    }
}
