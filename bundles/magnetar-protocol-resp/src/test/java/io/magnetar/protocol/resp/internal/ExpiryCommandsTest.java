package io.magnetar.protocol.resp.internal;

import static io.magnetar.protocol.resp.internal.InMemoryServer.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code EXPIRE PEXPIRE TTL PTTL PERSIST SETEX PSETEX SETNX TYPE} as redis-server 7 answers them, byte for
 * byte, on a keyspace whose clock the test moves.
 */
class ExpiryCommandsTest {

    private final InMemoryServer server = new InMemoryServer();
    private final InMemoryServer.Client client = server.connect();

    private String wire(String... args) {
        return client.wire(cmd(args));
    }

    @Test
    void expireTtlAndPersistFollowTheClock() {
        assertThat(wire("SET", "k", "v")).isEqualTo("+OK\r\n");
        assertThat(wire("TTL", "k")).isEqualTo(":-1\r\n");
        assertThat(wire("TTL", "missing")).isEqualTo(":-2\r\n");
        assertThat(wire("EXPIRE", "missing", "10")).isEqualTo(":0\r\n");

        assertThat(wire("EXPIRE", "k", "10")).isEqualTo(":1\r\n");
        assertThat(wire("PTTL", "k")).isEqualTo(":10000\r\n");
        server.advanceMillis(1_499);
        assertThat(wire("TTL", "k")).as("rounded, as redis").isEqualTo(":9\r\n");
        assertThat(wire("PTTL", "k")).isEqualTo(":8501\r\n");

        assertThat(wire("PERSIST", "k")).isEqualTo(":1\r\n");
        assertThat(wire("PERSIST", "k")).isEqualTo(":0\r\n");
        assertThat(wire("TTL", "k")).isEqualTo(":-1\r\n");

        assertThat(wire("PEXPIRE", "k", "50")).isEqualTo(":1\r\n");
        server.advanceMillis(50);
        assertThat(wire("GET", "k")).isEqualTo("$-1\r\n");
        assertThat(wire("TTL", "k")).isEqualTo(":-2\r\n");
        assertThat(wire("EXPIRE", "k", "10")).as("an expired key is no key").isEqualTo(":0\r\n");
    }

    @Test
    void aTimeAlreadyPastDeletesAndCountersKeepTheirDeadline() {
        wire("SET", "k", "v");
        assertThat(wire("EXPIRE", "k", "0")).isEqualTo(":1\r\n");
        assertThat(wire("EXISTS", "k")).isEqualTo(":0\r\n");
        assertThat(wire("EXPIRE", "k", "-5")).isEqualTo(":0\r\n");

        wire("INCR", "n");
        assertThat(wire("EXPIRE", "n", "5")).isEqualTo(":1\r\n");
        assertThat(wire("INCR", "n")).isEqualTo(":2\r\n");
        assertThat(wire("TTL", "n")).isEqualTo(":5\r\n");
        assertThat(wire("EXPIRE", "n", "99999999999999999"))
                .isEqualTo("-ERR invalid expire time in 'expire' command\r\n");
        assertThat(wire("EXPIRE", "n", "x")).isEqualTo("-ERR value is not an integer or out of range\r\n");
    }

    @Test
    void setexPsetexSetnxAndType() {
        assertThat(wire("SETEX", "s", "2", "v")).isEqualTo("+OK\r\n");
        assertThat(wire("PSETEX", "p", "1500", "w")).isEqualTo("+OK\r\n");
        assertThat(wire("PTTL", "s")).isEqualTo(":2000\r\n");
        assertThat(wire("GET", "p")).isEqualTo("$1\r\nw\r\n");
        assertThat(wire("SETEX", "s", "0", "v")).isEqualTo("-ERR invalid expire time in 'setex' command\r\n");

        assertThat(wire("SETNX", "s", "other")).isEqualTo(":0\r\n");
        assertThat(wire("SETNX", "fresh", "x")).isEqualTo(":1\r\n");
        server.advanceMillis(2_000);
        assertThat(wire("SETNX", "s", "again")).as("expired: free again").isEqualTo(":1\r\n");

        wire("RPUSH", "l", "a");
        wire("INCR", "n");
        assertThat(wire("TYPE", "s")).isEqualTo("+string\r\n");
        assertThat(wire("TYPE", "n")).isEqualTo("+string\r\n");
        assertThat(wire("TYPE", "l")).isEqualTo("+list\r\n");
        assertThat(wire("TYPE", "nothing")).isEqualTo("+none\r\n");
        assertThat(wire("TTL", "l")).isEqualTo(":-1\r\n");
        assertThat(wire("EXPIRE", "l", "5")).startsWith("-ERR ");
        assertThat(wire("LLEN", "l")).as("the list is as it was").isEqualTo(":1\r\n");
    }
}
