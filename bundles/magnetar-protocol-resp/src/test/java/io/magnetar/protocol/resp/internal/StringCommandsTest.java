package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The string writes ({@code SET} with every redis 7 option, {@code GETSET GETDEL APPEND STRLEN}) and
 * {@code EXPIRE}'s {@code NX XX GT LT}: a transcript recorded from redis-server 7.0.15, replayed byte for byte
 * (on a clock that does not move: the times to live are whole).
 */
class StringCommandsTest {

    private static final String[][] TRANSCRIPT = {
        {"SET k v GET", "$-1\r\n"},
        {"SET k w GET", "$1\r\nv\r\n"},
        {"SET k x NX GET", "$1\r\nw\r\n"},
        {"GET k", "$1\r\nw\r\n"},
        {"SET k y XX GET", "$1\r\nw\r\n"},
        {"SET k v GET GET", "$1\r\ny\r\n"},
        {"SET k v NX XX", "-ERR syntax error\r\n"},
        {"SET n 1", "+OK\r\n"},
        {"INCR n", ":2\r\n"},
        {"SET n z GET", "$1\r\n2\r\n"},
        {"RPUSH l a", ":1\r\n"},
        {"SET l v GET", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"SET l v", "+OK\r\n"},
        {"TYPE l", "+string\r\n"},
        {"SET t v EX 100", "+OK\r\n"},
        {"SET t w KEEPTTL", "+OK\r\n"},
        {"TTL t", ":100\r\n"},
        {"SET t u", "+OK\r\n"},
        {"TTL t", ":-1\r\n"},
        {"SET t v KEEPTTL EX 5", "-ERR syntax error\r\n"},
        {"SET p v PXAT 1", "+OK\r\n"},
        {"EXISTS p", ":0\r\n"},
        {"GETSET g 1", "$-1\r\n"},
        {"GETSET g 2", "$1\r\n1\r\n"},
        {"GETDEL g", "$1\r\n2\r\n"},
        {"GETDEL g", "$-1\r\n"},
        {"RPUSH l2 a", ":1\r\n"},
        {"GETDEL l2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"GETSET l2 x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"APPEND a ab", ":2\r\n"},
        {"APPEND a cd", ":4\r\n"},
        {"STRLEN a", ":4\r\n"},
        {"INCR c", ":1\r\n"},
        {"APPEND c 0", ":2\r\n"},
        {"GET c", "$2\r\n10\r\n"},
        {"STRLEN c", ":2\r\n"},
        {"STRLEN none", ":0\r\n"},
        {"STRLEN l2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"SETEX ax 100 v", "+OK\r\n"},
        {"APPEND ax w", ":2\r\n"},
        {"TTL ax", ":100\r\n"},
        {"SET e v", "+OK\r\n"},
        {"EXPIRE e 100 XX", ":0\r\n"},
        {"EXPIRE e 100 GT", ":0\r\n"},
        {"EXPIRE e 100 LT", ":1\r\n"},
        {"TTL e", ":100\r\n"},
        {"EXPIRE e 50 NX", ":0\r\n"},
        {"EXPIRE e 200 GT", ":1\r\n"},
        {"TTL e", ":200\r\n"},
        {"EXPIRE e 100 GT", ":0\r\n"},
        {"EXPIRE e 100 LT", ":1\r\n"},
        {"TTL e", ":100\r\n"},
        {"EXPIRE e 10 NX XX", "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"},
        {"EXPIRE e 10 GT LT", "-ERR GT and LT options at the same time are not compatible\r\n"},
        {"EXPIRE e 10 FOO", "-ERR Unsupported option FOO\r\n"},
        {"EXPIRE e 0 XX", ":1\r\n"},
        {"EXISTS e", ":0\r\n"},
        {"EXPIRE missing 10 NX", ":0\r\n"}
    };

    private final InMemoryServer server = new InMemoryServer();
    private final InMemoryServer.Client client = server.connect();

    private static String cmd(String line) {
        return InMemoryServer.cmd(line.split(" "));
    }

    @Test
    void answersAsRedisServerDid() {
        for (String[] step : TRANSCRIPT) {
            assertThat(client.wire(cmd(step[0]))).as(step[0]).isEqualTo(step[1]);
        }
    }

    @Test
    void farTimesAreTakenAsRedisTakesThem() {
        assertThat(client.wire(cmd("SET t v EXAT 2400000000"))).as("year 2046").isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("EXPIRE t 3000000000"))).as("95 years").isEqualTo(":1\r\n");
        assertThat(client.wire(cmd("PEXPIRE t 9223372036854775807"))).startsWith("-ERR invalid expire time");
        assertThat(client.wire(cmd("TTL t"))).startsWith(":");
    }

    @Test
    void listsOverwrittenOrLeftAsTheyWereKeepTheMemoryEstimate() {
        long empty = server.keyspace.usedMemory();
        client.wire(cmd("RPUSH l aaaa bbbb cccc"));
        long withList = server.keyspace.usedMemory();

        assertThat(client.wire(cmd("SET l v NX KEEPTTL"))).isEqualTo("$-1\r\n");
        assertThat(server.keyspace.usedMemory()).as("not stored: unchanged").isEqualTo(withList);
        assertThat(client.wire(cmd("SET l v KEEPTTL"))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("DEL l"))).isEqualTo(":1\r\n");
        assertThat(server.keyspace.usedMemory())
                .as("the list's elements given back")
                .isEqualTo(empty);
    }

    @Test
    void exatNamesAUnixTime() {
        long in100s = System.currentTimeMillis() / 1000 + 100;
        assertThat(client.wire(cmd("SET t v EXAT " + in100s))).isEqualTo("+OK\r\n");
        String ttl = client.wire(cmd("TTL t"));
        assertThat(Long.parseLong(ttl.substring(1, ttl.length() - 2))).isBetween(98L, 100L);
    }
}
