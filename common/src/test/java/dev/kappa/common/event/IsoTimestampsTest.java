package dev.kappa.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoTimestampsTest {

    private static final String NEAR_MISSES = "0123456789-+:.TZtz ";

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-31T12:00:00Z", "2026-05-31T14:00:00.5+02:00", "2024-02-29T23:59:59.999999999-18:00",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.1+18:00", "2026-01-31T12:00:00-00:00",
            "2026-01-31t12:00:00z", "2026-01-31T12:00Z", "+12026-01-31T12:00:00Z", "2026-01-31T12:00:00+0900",
            "2026-01-31T12:00:00+09:00:30", "2026-01-31T12:00:00.Z", "2026-01-31T12:00:00.1234567891Z"})
    void readsWhatTheFormatterReadsAsTheFormatterDoes(String text) {
        assertSameAsTheFormatter(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2026-01-31T24:00:00Z", "2026-01-31T12:60:00Z", "2026-01-31T12:00:60Z", "2026-01-31T12:00:00+18:01",
            "2026-01-31T12:00:00+09:60", "2026-01-31T12:00:00", "2026-01-31 12:00:00Z", "2026-1-31T12:00:00Z",
            "2026-01-31T12:00:00Z ", "٢٠٢٦-01-31T12:00:00Z"})
    void refusesWhatTheFormatterRefuses(String text) {
        assertThatThrownBy(() -> OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> IsoTimestamps.parse(text)).isInstanceOf(DateTimeException.class);
    }

    /** Valid timestamps in every form, each then bent one character at a time into a near miss. */
    @Test
    void agreesWithTheFormatterOnRandomTimestampsAndTheirNearMisses() {
        Random random = new Random(17);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L),
                    random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 60, 18 * 60 + 1) * 60);
            String text = OffsetDateTime.ofInstant(instant, random.nextBoolean() ? ZoneOffset.UTC : offset)
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            if (random.nextInt(4) == 0) {
                char[] chars = text.toCharArray();
                chars[random.nextInt(chars.length)] = NEAR_MISSES.charAt(random.nextInt(NEAR_MISSES.length()));
                text = new String(chars);
            }
            assertSameAsTheFormatter(text);
        }
    }

    @Test
    void writesWhatInstantToStringWrites() {
        Random random = new Random(23);
        for (int i = 0; i < 200_000; i++) {
            long second = switch (i % 4) {
                case 0 -> random.nextLong(-62_167_219_300L, -62_167_219_100L);
                case 1 -> random.nextLong(253_402_300_700L, 253_402_300_900L);
                default -> random.nextLong(-70_000_000_000L, 260_000_000_000L);
            };
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);
            assertThat(IsoTimestamps.format(instant)).isEqualTo(instant.toString());
        }
        assertThat(IsoTimestamps.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
    }

    private static void assertSameAsTheFormatter(String text) {
        Instant expected;
        try {
            expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException refused) {
            assertThatThrownBy(() -> IsoTimestamps.parse(text)).as(text).isInstanceOf(DateTimeException.class);
            return;
        }
        assertThat(IsoTimestamps.parse(text)).as(text).isEqualTo(expected);
    }
}
