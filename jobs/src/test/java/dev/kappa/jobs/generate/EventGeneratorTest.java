package dev.kappa.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.kappa.common.event.Event;
import dev.kappa.common.event.EventCodec;
import dev.kappa.common.event.ParsePolicy;
import dev.kappa.common.event.RejectReason;
import dev.kappa.common.event.RejectedEventException;

class EventGeneratorTest {

    private static final EventGenerator.Spec SPEC = new EventGenerator.Spec(20_000, 0.1, 0.05, 0.05, 7,
            Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(6));

    private static List<EventGenerator.Generated> all(EventGenerator.Spec spec) {
        EventGenerator generator = new EventGenerator(spec);
        List<EventGenerator.Generated> out = new ArrayList<>();
        while (generator.hasNext()) {
            out.add(generator.next());
        }
        return out;
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        List<EventGenerator.Generated> a = all(SPEC);
        List<EventGenerator.Generated> b = all(SPEC);
        List<EventGenerator.Generated> c = all(new EventGenerator.Spec(20_000, 0.1, 0.05, 0.05, 8, SPEC.start(), SPEC.span()));

        assertThat(a).hasSize(20_000);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).value()).isEqualTo(b.get(i).value());
        }
        assertThat(a.get(0).value()).isNotEqualTo(c.get(0).value());
    }

    @Test
    void duplicatesResendEarlierEventsByteForByteAndMalformedCoverManyReasons() {
        EventCodec codec = new EventCodec(new ParsePolicy(1 << 20, 32, ParsePolicy.UnknownFields.PAYLOAD,
                Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(3650)));
        Map<String, byte[]> firstSeen = new HashMap<>();
        Map<EventGenerator.Kind, Integer> kinds = new EnumMap<>(EventGenerator.Kind.class);
        Set<RejectReason> reasons = new HashSet<>();
        for (EventGenerator.Generated g : all(SPEC)) {
            kinds.merge(g.kind(), 1, Integer::sum);
            switch (g.kind()) {
                case UNIQUE -> {
                    Event event = codec.parse(g.value());
                    assertThat(event.eventId()).isEqualTo(g.eventId());
                    assertThat(firstSeen.put(g.eventId(), g.value())).as("unique id repeated").isNull();
                }
                case DUPLICATE -> assertThat(firstSeen.get(g.eventId())).isEqualTo(g.value());
                case MALFORMED -> {
                    try {
                        codec.parse(g.value());
                        throw new AssertionError("accepted malformed record " + new String(g.value()));
                    } catch (RejectedEventException e) {
                        reasons.add(e.reason());
                    }
                }
            }
        }
        assertThat(kinds.get(EventGenerator.Kind.DUPLICATE)).isBetween(1_800, 2_200);
        assertThat(kinds.get(EventGenerator.Kind.MALFORMED)).isBetween(850, 1_150);
        assertThat(reasons).hasSizeGreaterThanOrEqualTo(8);
    }
}
