package io.magnetar.protocol.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The three HTTP-date formats a recipient must accept (RFC 9110 5.6.7), and what is not one. */
class HttpDateTest {

    private static final long NOW = Instant.parse("2026-12-06T22:04:04Z").toEpochMilli();

    private static long seconds(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Sun, 06 Dec 2026 21:41:26 GMT",
                "Sunday, 06-Dec-26 21:41:26 GMT",
                "Sun Dec  6 21:41:26 2026",
            })
    void everyFormatGivesTheSameInstant(String date) {
        assertThat(HttpDate.parse(date, NOW)).isEqualTo(seconds("2026-12-06T21:41:26Z"));
    }

    @Test
    void asctimeWithATwoDigitDayAndEveryMonth() {
        assertThat(HttpDate.parse("Thu Jan 16 00:00:00 2025", NOW)).isEqualTo(seconds("2025-01-16T00:00:00Z"));
        String[] months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        for (int m = 0; m < 12; m++) {
            assertThat(HttpDate.parse("Mon, 01 " + months[m] + " 2024 12:00:00 GMT", NOW))
                    .as(months[m])
                    .isEqualTo(seconds(String.format("2024-%02d-01T12:00:00Z", m + 1)));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // Now is 2026-12-06T22:04:04Z: up to fifty years ahead stays in this century, beyond is the last one.
        "'Sunday, 06-Dec-76 21:41:26 GMT', 2076-12-06T21:41:26Z",
        "'Monday, 07-Dec-76 00:00:00 GMT', 1976-12-07T00:00:00Z",
        "'Friday, 01-Jan-99 00:00:00 GMT', 1999-01-01T00:00:00Z",
        "'Saturday, 01-Jan-00 00:00:00 GMT', 2000-01-01T00:00:00Z",
        "'Thursday, 01-Jan-70 00:00:00 GMT', 2070-01-01T00:00:00Z",
    })
    void twoDigitYearMoreThanFiftyYearsAheadIsTheMostRecentPastOne(String date, String expected) {
        assertThat(HttpDate.parse(date, NOW)).isEqualTo(seconds(expected));
    }

    @Test
    void leapSecondIsAccepted() {
        assertThat(HttpDate.parse("Sat, 31 Dec 2016 23:59:60 GMT", NOW)).isEqualTo(seconds("2017-01-01T00:00:00Z"));
    }

    @Test
    void formattedDatesParseBack() {
        long millis = Instant.parse("1994-11-06T08:49:37Z").toEpochMilli();
        assertThat(HttpDate.parse(HttpDate.format(millis), NOW)).isEqualTo(millis / 1000);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "Sun, 06 Dec 2026 21:41:26 UTC",
                "Sun, 06 Dec 2026 21:41:26 +0000",
                "sun, 06 dec 2026 21:41:26 GMT",
                "Sun, 6 Dec 2026 21:41:26 GMT",
                "Sun, 31 Feb 2026 21:41:26 GMT",
                "Sun, 06 Dec 2026 24:00:00 GMT",
                "Sun, 06 Dec 2026 21:60:00 GMT",
                "Sun, 06 Dec 2026 21:41:26 GMT ",
                "Sun, 06 Dec 2026 21:41 GMT",
                "Sunday, 06 Dec 2026 21:41:26 GMT",
                "Sun, 06-Dec-26 21:41:26 GMT",
                "Sunday, 06-Dec-2026 21:41:26 GMT",
                "Sun Dec 6 21:41:26 2026",
                "Sun Dec 06 21:41:26 2026 GMT",
                "Xyz, 06 Dec 2026 21:41:26 GMT",
                "Sun, 06 Dec 2026 21:41:26 GMT, Mon, 07 Dec 2026 21:41:26 GMT",
            })
    void anythingElseIsNotADate(String value) {
        assertThat(HttpDate.parse(value, NOW)).isEqualTo(HttpDate.INVALID);
    }
}
