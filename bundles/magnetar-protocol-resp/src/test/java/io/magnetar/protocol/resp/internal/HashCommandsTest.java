package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hash commands: a transcript recorded from redis-server 7.0.15, replayed byte for byte. */
class HashCommandsTest {

    private static final String[][] TRANSCRIPT = {
        {"HSET h a 1 b 2", ":2\r\n"},
        {"HSET h a 10 c 3", ":1\r\n"},
        {"HGET h a", "$2\r\n10\r\n"},
        {"HGET h zz", "$-1\r\n"},
        {"HGET none a", "$-1\r\n"},
        {"HMGET h a zz c", "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n3\r\n"},
        {"HLEN h", ":3\r\n"},
        {"HLEN none", ":0\r\n"},
        {"HEXISTS h b", ":1\r\n"},
        {"HEXISTS h zz", ":0\r\n"},
        {"HSETNX h a x", ":0\r\n"},
        {"HSETNX h d 4", ":1\r\n"},
        {"HGETALL h", "*8\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n"
        },
        {"HKEYS h", "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"},
        {"HVALS h", "*4\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"},
        {"HGETALL none", "*0\r\n"},
        {"HINCRBY h n 5", ":5\r\n"},
        {"HINCRBY h n -7", ":-2\r\n"},
        {"HINCRBY h a 1", ":11\r\n"},
        {"HINCRBY h b x", "-ERR value is not an integer or out of range\r\n"},
        {"HSET h s text", ":1\r\n"},
        {"HINCRBY h s 1", "-ERR hash value is not an integer\r\n"},
        {"HINCRBY h big 9223372036854775807", ":9223372036854775807\r\n"},
        {"HINCRBY h big 1", "-ERR increment or decrement would overflow\r\n"},
        {"HDEL h a zz b", ":2\r\n"},
        {"HLEN h", ":5\r\n"},
        {"TYPE h", "+hash\r\n"},
        {"HSET h x", "-ERR wrong number of arguments for 'hset' command\r\n"},
        {"HSET h", "-ERR wrong number of arguments for 'hset' command\r\n"},
        {"HMSET h m 1", "+OK\r\n"},
        {"HMSET h m", "-ERR wrong number of arguments for 'hmset' command\r\n"},
        {"SET str v", "+OK\r\n"},
        {"HSET str a 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"HGET str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"RPUSH l a", ":1\r\n"},
        {"HGETALL l", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"GET h", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"LPUSH h x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
        {"HDEL h c d n s big m", ":6\r\n"},
        {"EXISTS h", ":0\r\n"},
        {"HDEL h c", ":0\r\n"},
        {"HSET h2 f v", ":1\r\n"},
        {"SET h2 string", "+OK\r\n"},
        {"TYPE h2", "+string\r\n"},
        {"HSET h3 f v", ":1\r\n"},
        {"DEL h3", ":1\r\n"},
        {"HGETALL h3", "*0\r\n"}
    };

    private final InMemoryServer server = new InMemoryServer();
    private final InMemoryServer.Client client = server.connect();

    @Test
    void answersAsRedisServerDid() {
        for (String[] step : TRANSCRIPT) {
            assertThat(client.wire(InMemoryServer.cmd(step[0].split(" "))))
                    .as(step[0])
                    .isEqualTo(step[1]);
        }
    }

    @Test
    void hgetallIsAMapInResp3AndAHashLeavesNoMemoryBehind() {
        long empty = server.keyspace.usedMemory();
        client.wire(InMemoryServer.cmd("HELLO", "3"));
        client.wire(InMemoryServer.cmd("HSET", "h", "a", "1", "b", "2"));

        assertThat(client.wire(InMemoryServer.cmd("HGETALL", "h")))
                .isEqualTo("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
        client.wire(InMemoryServer.cmd("HDEL", "h", "a", "b"));
        assertThat(server.keyspace.usedMemory()).isEqualTo(empty);
        client.wire(InMemoryServer.cmd("HSET", "h", "a", "1"));
        client.wire(InMemoryServer.cmd("SET", "h", "v"));
        client.wire(InMemoryServer.cmd("DEL", "h"));
        assertThat(server.keyspace.usedMemory()).as("overwritten, then deleted").isEqualTo(empty);
    }
}
