package io.magnetar.protocol.resp.internal;

import static io.magnetar.protocol.resp.internal.InMemoryServer.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code KEYS} and {@code SCAN}: the glob as redis-server 7.0.15 matched the same keys, and the cursor's promise. */
class ScanCommandsTest {

    private static final List<String> KEYS = List.of(
            "hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h[llo", "user:1", "user:2", "user:10", "a\\b");

    private final InMemoryServer server = new InMemoryServer();
    private final InMemoryServer.Client client = server.connect();

    private Set<String> keys(String pattern) {
        @SuppressWarnings("unchecked")
        List<Object> names = (List<Object>) client.call("KEYS", pattern);
        return names.stream()
                .map(n -> new String((byte[]) n, StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "*|a\\b h*llo h[llo hallo heeeello hello hllo hsh hxllo lst user:1 user:10 user:2",
                "h?llo|h*llo h[llo hallo hello hxllo",
                "h*llo|h*llo h[llo hallo heeeello hello hllo hxllo",
                "h[ae]llo|hallo hello",
                "h[^e]llo|h*llo h[llo hallo hxllo",
                "h[a-b]llo|hallo",
                "h[b-a]llo|hallo",
                "h\\*llo|h*llo",
                "h[\\[]llo|h[llo",
                "user:?|user:1 user:2",
                "user:*|user:1 user:10 user:2",
                "a\\\\b|a\\b",
                "*[|",
                "[^h]*|a\\b lst user:1 user:10 user:2"
            })
    void keysMatchesWhatRedisServerMatched(String pattern, String expected) {
        for (String k : KEYS) {
            client.call("SET", k, "v");
        }
        client.call("RPUSH", "lst", "a");
        client.call("HSET", "hsh", "f", "v");

        Set<String> want = expected == null ? Set.of() : Set.of(expected.split(" "));
        assertThat(keys(pattern)).isEqualTo(want);
    }

    @Test
    void aFullScanReturnsEveryKeyThatStayedAndEndsAtZero() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 2_500; i++) {
            client.call("SET", "k" + i, "v");
            all.add("k" + i);
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            List<?> r = (List<?>) client.call("SCAN", cursor, "COUNT", "10");
            cursor = new String((byte[]) r.get(0), StandardCharsets.US_ASCII);
            for (Object n : (List<?>) r.get(1)) {
                seen.add(new String((byte[]) n, StandardCharsets.UTF_8));
            }
            if (calls++ == 0) {
                client.call("SET", "added-meanwhile", "v"); // may or may not be seen
                client.call("DEL", "k0");
                all.remove("k0");
            }
        } while (!cursor.equals("0") && calls < 100);

        assertThat(cursor).isEqualTo("0");
        assertThat(seen).containsAll(all);
        assertThat(calls).as("at least 1,000 keys a call").isLessThanOrEqualTo(4);
    }

    @Test
    void matchTypeAndBadArguments() {
        client.call("SET", "s1", "v");
        client.call("RPUSH", "l1", "a");
        client.call("HSET", "h1", "f", "v");
        List<Object> typed = new ArrayList<>();
        List<?> r = (List<?>) client.call("SCAN", "0", "TYPE", "list");
        typed.addAll((List<?>) r.get(1));
        assertThat(typed).hasSize(1);
        assertThat(new String((byte[]) typed.get(0), StandardCharsets.US_ASCII)).isEqualTo("l1");
        assertThat((List<?>) ((List<?>) client.call("SCAN", "0", "MATCH", "h*")).get(1))
                .hasSize(1);

        assertThat(client.wire(cmd("SCAN", "abc"))).isEqualTo("-ERR invalid cursor\r\n");
        assertThat(client.wire(cmd("SCAN", "0", "COUNT", "0"))).isEqualTo("-ERR syntax error\r\n");
        assertThat(client.wire(cmd("SCAN", "0", "FOO", "1"))).isEqualTo("-ERR syntax error\r\n");
    }
}
