package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.resp.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command's replies, byte for byte where redis's wording matters, on an in-memory connection. */
class RespServerCommandsTest {

    private final InMemoryServer server = new InMemoryServer();
    private final InMemoryServer.Client client = server.connect();

    /** A reply made comparable: bulk strings as text, errors as "-" + message, arrays element-wise. */
    static Object v(Object reply) {
        if (reply instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        if (reply instanceof RedisException e) {
            return "-" + e.getMessage();
        }
        if (reply instanceof List<?> l) {
            return l.stream().map(RespServerCommandsTest::v).toList();
        }
        return reply;
    }

    private Object call(Object... args) {
        return v(client.call(args));
    }

    @Test
    void pingAndEcho() {
        assertThat(call("PING")).isEqualTo("PONG");
        assertThat(call("ping", "hello")).isEqualTo("hello");
        assertThat(call("ECHO", "a\r\nb")).isEqualTo("a\r\nb");
        assertThat(call("PING", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'ping' command");
    }

    /** requirepass as redis-server: NOAUTH before AUTH (QUIT aside), WRONGPASS, AUTH with or without the default user. */
    @Test
    void requirepassAsRedisServer() {
        assertThat(call("AUTH", "x"))
                .asString()
                .startsWith("-ERR AUTH <password> called without any password configured");
        server.keyspace.requirePass("s3cret");
        InMemoryServer.Client other = server.connect();
        assertThat(v(other.call("PING"))).isEqualTo("-NOAUTH Authentication required.");
        assertThat(v(other.call("SET", "k", "v"))).isEqualTo("-NOAUTH Authentication required.");
        assertThat(v(other.call("AUTH", "wrong")))
                .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.");
        assertThat(v(other.call("AUTH", "alice", "s3cret")))
                .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.");
        assertThat(v(other.call("AUTH", "s3cret"))).isEqualTo("OK");
        assertThat(v(other.call("PING"))).isEqualTo("PONG");
        InMemoryServer.Client third = server.connect();
        assertThat(v(third.call("AUTH", "default", "s3cret"))).isEqualTo("OK");
        assertThat(v(third.call("AUTH", "a", "b", "c"))).isEqualTo("-ERR syntax error");
    }

    /** HELLO as redis-server 7 answers it in RESP2, with and without requirepass (RESP3: {@link HandshakeTest}). */
    @Test
    void helloAsRedisServer() {
        assertThat(v(call("HELLO")))
                .asList()
                .startsWith("server", "redis", "version", ServerCommands.VERSION, "proto", 2L, "id")
                .endsWith("mode", "standalone", "role", "master", "modules", List.of());
        assertThat(v(call("HELLO", "2"))).asList().hasSize(14);
        assertThat(v(call("HELLO", "1"))).isEqualTo("-NOPROTO unsupported protocol version");
        assertThat(v(call("HELLO", "4"))).isEqualTo("-NOPROTO unsupported protocol version");
        assertThat(v(call("HELLO", "x"))).isEqualTo("-ERR Protocol version is not an integer or out of range");
        assertThat(v(call("HELLO", "2", "AUTH", "default"))).isEqualTo("-ERR Syntax error in HELLO option 'AUTH'");
        assertThat(v(call("HELLO", "2", "FOO"))).isEqualTo("-ERR Syntax error in HELLO option 'FOO'");
        assertThat(v(call("HELLO", "2", "SETNAME", "me"))).asList().hasSize(14);

        server.keyspace.requirePass("s3cret");
        InMemoryServer.Client other = server.connect();
        assertThat(v(other.call("HELLO", "2"))).isEqualTo("-" + Handshake.NOAUTH_HELLO);
        assertThat(v(other.call("HELLO", "2", "AUTH", "default", "wrong")))
                .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.");
        assertThat(v(other.call("PING"))).isEqualTo("-NOAUTH Authentication required.");
        assertThat(v(other.call("HELLO", "2", "AUTH", "default", "s3cret")))
                .asList()
                .contains("proto");
        assertThat(v(other.call("PING"))).isEqualTo("PONG");
    }

    /** As redis-server past maxmemory: writes refused with its words, reads and deletes served, and back below it writes work. */
    @Test
    void pastMaxMemoryWritesGetOomWhileReadsAndDeletesAreServed() {
        server.keyspace.maxMemory(1000);
        assertThat(call("SET", "a", "x".repeat(600))).isEqualTo("OK");
        assertThat(call("RPUSH", "l", "y".repeat(600))).isEqualTo(1L);
        assertThat(server.keyspace.usedMemory()).isGreaterThan(1000);
        String oom = "-OOM command not allowed when used memory > 'maxmemory'.";
        assertThat(call("SET", "b", "z")).isEqualTo(oom);
        assertThat(call("INCR", "n")).isEqualTo(oom);
        assertThat(call("LPUSH", "l", "z")).isEqualTo(oom);
        assertThat(call("GET", "a")).isEqualTo("x".repeat(600));
        assertThat(call("LPOP", "l")).isEqualTo("y".repeat(600));
        assertThat(call("DEL", "a")).isEqualTo(1L);
        assertThat(server.keyspace.usedMemory()).isZero();
        assertThat(call("SET", "b", "z")).isEqualTo("OK");
    }

    @Test
    void setGetDelExists() {
        assertThat(call("GET", "k")).isNull();
        assertThat(call("SET", "k", "v1")).isEqualTo("OK");
        assertThat(call("get", "k")).isEqualTo("v1");
        assertThat(call("SET", "k", "v2")).isEqualTo("OK");
        assertThat(call("GET", "k")).isEqualTo("v2");
        assertThat(call("SET", "other", "")).isEqualTo("OK");
        assertThat(call("GET", "other")).isEqualTo("");
        assertThat(call("EXISTS", "k", "k", "nope", "other")).isEqualTo(3L);
        assertThat(call("DEL", "k", "nope", "other")).isEqualTo(2L);
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
        assertThat(call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void binaryKeysAndValuesStayExact() {
        byte[] key = {0, (byte) 0xff, '\r', '\n', 'k'};
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        assertThat(call("SET", key, value)).isEqualTo("OK");
        assertThat((byte[]) client.call("GET", key)).isEqualTo(value);
        assertThat(call("GET", Arrays.copyOf(key, 4))).isNull();
    }

    @Test
    void largeValuesGoOutUncopiedAndIntact() {
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'x');
        big[99_999] = 'y';
        assertThat(call("SET", "big", big)).isEqualTo("OK");
        assertThat((byte[]) client.call("GET", "big")).isEqualTo(big);
        assertThat((byte[]) client.call("ECHO", big)).isEqualTo(big);
    }

    @Test
    void setWithExpiryNxAndXx() {
        assertThat(call("SET", "s", "1", "EX", "10")).isEqualTo("OK");
        assertThat(call("SET", "p", "1", "px", "1500")).isEqualTo("OK");
        server.advanceMillis(1499);
        assertThat(call("GET", "p")).isEqualTo("1");
        server.advanceMillis(1);
        assertThat(call("GET", "p")).isNull();
        assertThat(call("EXISTS", "s")).isEqualTo(1L);
        server.advanceMillis(8500);
        assertThat(call("EXISTS", "s")).isEqualTo(0L);

        assertThat(call("SET", "n", "a", "NX")).isEqualTo("OK");
        assertThat(call("SET", "n", "b", "NX")).isNull();
        assertThat(call("SET", "x", "a", "XX")).isNull();
        assertThat(call("SET", "n", "c", "XX", "PX", "5")).isEqualTo("OK");
        assertThat(call("GET", "n")).isEqualTo("c");
        server.advanceMillis(5);
        assertThat(call("SET", "n", "d", "NX")).as("an expired key is absent").isEqualTo("OK");
        assertThat(call("SET", "n", "e")).isEqualTo("OK");
        server.advanceMillis(1_000_000);
        assertThat(call("GET", "n")).as("SET without EX drops the deadline").isEqualTo("e");
    }

    @Test
    void setRefusesBadOptions() {
        assertThat(call("SET", "k", "v", "EX", "0")).isEqualTo("-ERR invalid expire time in 'set' command");
        assertThat(call("SET", "k", "v", "PX", "-5")).isEqualTo("-ERR invalid expire time in 'set' command");
        assertThat(call("SET", "k", "v", "EX", "ten")).isEqualTo("-ERR value is not an integer or out of range");
        assertThat(call("SET", "k", "v", "EX")).isEqualTo("-ERR syntax error");
        assertThat(call("SET", "k", "v", "NX", "XX")).isEqualTo("-ERR syntax error");
        assertThat(call("SET", "k", "v", "EX", "1", "PX", "1")).isEqualTo("-ERR syntax error");
        assertThat(call("SET", "k", "v", "KEEPTTL", "EX", "5")).isEqualTo("-ERR syntax error");
        assertThat(call("SET", "k")).isEqualTo("-ERR wrong number of arguments for 'set' command");
        assertThat(call("EXISTS", "k")).isEqualTo(0L);
    }

    @Test
    void incrAndDecr() {
        assertThat(call("INCR", "c")).isEqualTo(1L);
        assertThat(call("INCR", "c")).isEqualTo(2L);
        assertThat(call("DECR", "c")).isEqualTo(1L);
        assertThat(call("INCRBY", "c", "41")).isEqualTo(42L);
        assertThat(call("DECRBY", "c", "50")).isEqualTo(-8L);
        assertThat(call("GET", "c")).isEqualTo("-8");
        assertThat(call("SET", "c", "9223372036854775806")).isEqualTo("OK");
        assertThat(call("INCR", "c")).isEqualTo(Long.MAX_VALUE);
        assertThat(call("INCR", "c")).isEqualTo("-ERR increment or decrement would overflow");
        assertThat(call("GET", "c")).isEqualTo("9223372036854775807");
        assertThat(call("DECRBY", "c", "-9223372036854775808")).isEqualTo("-ERR decrement would overflow");
        assertThat(call("SET", "t", "not a number")).isEqualTo("OK");
        assertThat(call("INCR", "t")).isEqualTo("-ERR value is not an integer or out of range");
        assertThat(call("SET", "t", "007")).isEqualTo("OK");
        assertThat(call("INCR", "t"))
                .as("not canonical, as redis")
                .isEqualTo("-ERR value is not an integer or out of range");
        assertThat(call("INCRBY", "t", "x")).isEqualTo("-ERR value is not an integer or out of range");
        assertThat(call("INCR", "c", "d")).isEqualTo("-ERR wrong number of arguments for 'incr' command");
    }

    @Test
    void incrKeepsTheDeadline() {
        assertThat(call("SET", "c", "10", "PX", "100")).isEqualTo("OK");
        assertThat(call("INCR", "c")).isEqualTo(11L);
        assertThat(call("INCR", "c")).isEqualTo(12L);
        server.advanceMillis(100);
        assertThat(call("GET", "c")).isNull();
        assertThat(call("INCR", "c")).isEqualTo(1L);
    }

    @Test
    void mgetAndMset() {
        assertThat(call("MSET", "a", "1", "b", "2")).isEqualTo("OK");
        assertThat(call("RPUSH", "l", "x")).isEqualTo(1L);
        assertThat(call("INCR", "n")).isEqualTo(1L);
        assertThat(call("MGET", "a", "nope", "b", "l", "n")).isEqualTo(Arrays.asList("1", null, "2", null, "1"));
        assertThat(call("MSET", "a", "1", "b")).isEqualTo("-ERR wrong number of arguments for 'mset' command");
        assertThat(call("MGET")).isEqualTo("-ERR wrong number of arguments for 'mget' command");
    }

    @Test
    void listsPushPopAndRange() {
        assertThat(call("RPUSH", "l", "b", "c")).isEqualTo(2L);
        assertThat(call("LPUSH", "l", "a", "z")).isEqualTo(4L);
        assertThat(call("LRANGE", "l", "0", "-1")).isEqualTo(List.of("z", "a", "b", "c"));
        assertThat(call("LRANGE", "l", "1", "2")).isEqualTo(List.of("a", "b"));
        assertThat(call("LRANGE", "l", "-2", "100")).isEqualTo(List.of("b", "c"));
        assertThat(call("LRANGE", "l", "3", "1")).isEqualTo(List.of());
        assertThat(call("LRANGE", "nope", "0", "-1")).isEqualTo(List.of());
        assertThat(call("LLEN", "l")).isEqualTo(4L);
        assertThat(call("LPOP", "l")).isEqualTo("z");
        assertThat(call("RPOP", "l")).isEqualTo("c");
        assertThat(call("LPOP", "l", "5")).isEqualTo(List.of("a", "b"));
        assertThat(call("EXISTS", "l")).as("an emptied list is gone").isEqualTo(0L);
        assertThat(call("LPOP", "l")).isNull();
        assertThat(call("RPOP", "l", "2")).isNull();
        assertThat(call("RPUSH", "l", "x")).isEqualTo(1L);
        assertThat(call("LPOP", "l", "0")).isEqualTo(List.of());
        assertThat(call("LPOP", "l", "-1")).isEqualTo("-ERR value is out of range, must be positive");
        assertThat(call("LPOP", "l", "1", "2")).isEqualTo("-ERR wrong number of arguments for 'lpop' command");
        assertThat(call("LRANGE", "l", "a", "1")).isEqualTo("-ERR value is not an integer or out of range");
    }

    @Test
    void aListGrowsAndShrinksAcrossItsRing() {
        for (int i = 0; i < 1000; i++) {
            assertThat(call(i % 2 == 0 ? "RPUSH" : "LPUSH", "q", Integer.toString(i)))
                    .isEqualTo(i + 1L);
        }
        @SuppressWarnings("unchecked")
        List<Object> all = (List<Object>) call("LRANGE", "q", "0", "-1");
        assertThat(all).hasSize(1000).startsWith("999", "997").endsWith("996", "998");
        for (int i = 0; i < 990; i++) {
            assertThat(call("RPOP", "q")).isNotNull();
        }
        assertThat(call("LRANGE", "q", "0", "-1"))
                .isEqualTo(List.of("999", "997", "995", "993", "991", "989", "987", "985", "983", "981"));
    }

    @Test
    void wrongTypeBothWays() {
        String wrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value";
        assertThat(call("SET", "s", "v")).isEqualTo("OK");
        assertThat(call("LPUSH", "s", "x")).isEqualTo(wrongType);
        assertThat(call("LPOP", "s")).isEqualTo(wrongType);
        assertThat(call("LPOP", "s", "0")).isEqualTo(wrongType);
        assertThat(call("LRANGE", "s", "0", "1")).isEqualTo(wrongType);
        assertThat(call("LLEN", "s")).isEqualTo(wrongType);
        assertThat(call("RPUSH", "l", "x")).isEqualTo(1L);
        assertThat(call("GET", "l")).isEqualTo(wrongType);
        assertThat(call("INCR", "l")).isEqualTo(wrongType);
        assertThat(call("SET", "l", "now a string"))
                .as("SET overwrites any type")
                .isEqualTo("OK");
        assertThat(call("GET", "l")).isEqualTo("now a string");
    }

    @Test
    void unknownCommandAndWrongArityAsRedisWordsThemAndTheConnectionStays() {
        assertThat(call("NOSUCH", "x", "y"))
                .isEqualTo("-ERR unknown command 'NOSUCH', with args beginning with: 'x' 'y' ");
        assertThat(call("nosuch")).isEqualTo("-ERR unknown command 'nosuch', with args beginning with: ");
        assertThat(call("BAD\r\nNAME", "a\nb"))
                .isEqualTo("-ERR unknown command 'BAD  NAME', with args beginning with: 'a b' ");
        assertThat(call("GET")).isEqualTo("-ERR wrong number of arguments for 'get' command");
        assertThat(call("DBSIZE", "x")).isEqualTo("-ERR wrong number of arguments for 'dbsize' command");
        assertThat(call("PING")).isEqualTo("PONG");
        assertThat(client.connection.closeReason()).isNull();
        assertThat(client.transport.isLost()).isFalse();
    }

    @Test
    void serverCommandsForRedisTools() {
        assertThat(call("SET", "a", "1", "EX", "100")).isEqualTo("OK");
        assertThat(call("SET", "b", "1")).isEqualTo("OK");
        String info = (String) call("INFO");
        assertThat(info)
                .startsWith("# Server\r\nredis_version:7.0.0-magnetar\r\n")
                .contains(
                        "\r\ntcp_port:6379\r\n",
                        "# Clients\r\nconnected_clients:1\r\n",
                        "# Stats\r\n",
                        "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n");
        assertThat((String) call("INFO", "keyspace")).isEqualTo("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n");
        assertThat(call("COMMAND")).isEqualTo(List.of());
        assertThat(call("COMMAND", "DOCS")).isEqualTo(List.of());
        assertThat(call("COMMAND", "COUNT")).isEqualTo((long) Command.values().length);
        assertThat(call("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
        assertThat(call("CONFIG", "GET", "appendonly", "nope")).isEqualTo(List.of("appendonly", "no"));
        assertThat(call("CONFIG", "SET", "x", "y")).isEqualTo("-ERR unknown subcommand 'SET'. Try CONFIG HELP.");
        server.keyspace.maxMemory(1 << 20);
        assertThat(call("CONFIG", "GET", "maxmemory*"))
                .isEqualTo(List.of("maxmemory", "1048576", "maxmemory-policy", "noeviction"));
        assertThat((List<?>) call("CONFIG", "GET", "*", "save")).hasSize(10);
        assertThat(call("CONFIG", "GET", "*".repeat(100) + "x"))
                .as("many stars, quickly")
                .isEqualTo(List.of());
        assertThat((String) call("INFO", "memory"))
                .startsWith("# Memory\r\nused_memory:")
                .contains("\r\nmaxmemory:1048576\r\nmaxmemory_policy:noeviction\r\n");
        assertThat((String) call("INFO", "replication")).contains("role:master");
        assertThat((String) call("INFO", "persistence")).contains("loading:0");
        assertThat(call("SELECT", "0")).isEqualTo("OK");
        assertThat(call("SELECT", "1")).isEqualTo("-ERR DB index is out of range");
        assertThat(call("DBSIZE")).isEqualTo(2L);
        assertThat(call("FLUSHALL")).isEqualTo("OK");
        assertThat(call("DBSIZE")).isEqualTo(0L);
        assertThat((String) call("INFO", "keyspace")).isEqualTo("# Keyspace\r\n");
        assertThat(call("FLUSHDB", "now")).isEqualTo("-ERR syntax error");
    }

    @Test
    void quitAnswersThenCloses() {
        List<Object> replies = client.send("*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n");
        assertThat(replies).containsExactly("OK");
        assertThat(client.transport.isLost()).isTrue();
        assertThat(client.connection.closeReason()).isNull();
    }
}
