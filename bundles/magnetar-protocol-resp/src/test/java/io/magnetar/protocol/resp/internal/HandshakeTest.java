package io.magnetar.protocol.resp.internal;

import static io.magnetar.protocol.resp.internal.InMemoryServer.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code HELLO} and {@code AUTH} as redis-server 7 answers them, byte for byte: {@code HELLO 3} switches a
 * connection's replies to RESP3 (redis-py 8 asks for it as it connects and does not fall back) — nulls, maps
 * and verbatim text get their own types, the rest is written as in RESP2 — and {@code HELLO 2} back; the
 * default user without a password; the tighter limits before a client has authenticated.
 */
class HandshakeTest {

    private final InMemoryServer server = new InMemoryServer();
    private final InMemoryServer.Client client = server.connect();

    @Test
    void hello3AnswersAMapInRespThreeAndNullsMapsAndTextFollow() {
        assertThat(client.wire(cmd("HELLO", "3")))
                .startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n")
                .contains("$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:")
                .endsWith("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n");

        assertThat(client.wire(cmd("GET", "nothing"))).isEqualTo("_\r\n");
        assertThat(client.wire(cmd("SET", "k", "v"))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("SET", "k", "w", "NX"))).isEqualTo("_\r\n");
        assertThat(client.wire(cmd("MGET", "k", "nothing"))).isEqualTo("*2\r\n$1\r\nv\r\n_\r\n");
        assertThat(client.wire(cmd("LPOP", "nothing"))).isEqualTo("_\r\n");
        assertThat(client.wire(cmd("LPOP", "nothing", "2"))).isEqualTo("_\r\n");
        assertThat(client.wire(cmd("INCR", "n"))).isEqualTo(":1\r\n");
        assertThat(client.wire(cmd("CONFIG", "GET", "appendonly")))
                .isEqualTo("%1\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
        String info = client.wire(cmd("INFO", "keyspace"));
        String text = "txt:# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n";
        assertThat(info).isEqualTo("=" + text.length() + "\r\n" + text + "\r\n");

        assertThat(client.wire(cmd("HELLO", "2"))).startsWith("*14\r\n").contains("$5\r\nproto\r\n:2\r\n");
        assertThat(client.wire(cmd("GET", "nothing"))).isEqualTo("$-1\r\n");
        assertThat(client.wire(cmd("CONFIG", "GET", "appendonly")))
                .isEqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
    }

    @Test
    void aRefusedHelloLeavesTheProtocolAsItWas() {
        server.keyspace.requirePass("s3cret");
        InMemoryServer.Client c = server.connect();
        assertThat(c.wire(cmd("HELLO", "3"))).isEqualTo("-" + Handshake.NOAUTH_HELLO + "\r\n");
        assertThat(c.wire(cmd("HELLO", "3", "AUTH", "default", "wrong")))
                .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        assertThat(c.wire(cmd("AUTH", "s3cret"))).isEqualTo("+OK\r\n");
        assertThat(c.wire(cmd("GET", "nothing"))).as("still RESP2").isEqualTo("$-1\r\n");
        assertThat(c.wire(cmd("HELLO", "3", "AUTH", "default", "s3cret"))).startsWith("%7\r\n");
        assertThat(c.wire(cmd("GET", "nothing"))).isEqualTo("_\r\n");
    }

    @Test
    void authWithAUserWhenNoPasswordIsSetIsAsRedisSevensDefaultUserWithoutPassword() {
        assertThat(client.wire(cmd("AUTH", "default", "anything"))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("AUTH", "bob", "anything")))
                .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        assertThat(client.wire(cmd("AUTH", "anything")))
                .startsWith("-ERR AUTH <password> called without any password configured for the default user.");
    }

    /** As redis-server with a password set: before AUTH, 10 arguments and 16 KiB bulks at most. */
    @Test
    void beforeAuthenticatingAClientGetsRedisServersTighterLimits() {
        server.keyspace.requirePass("s3cret");
        InMemoryServer.Client many = server.connect();
        assertThat(many.wire(cmd("DEL", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10")))
                .isEqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n");
        assertThat(many.transport.eofWritten() || many.transport.isLost())
                .as("closed")
                .isTrue();

        InMemoryServer.Client big = server.connect();
        assertThat(big.wire("*2\r\n$4\r\nECHO\r\n$20000\r\n"))
                .isEqualTo("-ERR Protocol error: unauthenticated bulk length\r\n");

        InMemoryServer.Client authed = server.connect();
        assertThat(authed.wire(cmd("AUTH", "s3cret") + cmd("DEL", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10")))
                .isEqualTo("+OK\r\n:0\r\n");
        assertThat(authed.wire(cmd("ECHO", "x".repeat(20_000)))).startsWith("$20000\r\n");
    }

    /** What client libraries send as they connect (redis-py's {@code client_name=}, its SETINFO), as redis 7.2. */
    @Test
    void clientIdNameAndInfo() {
        String id = client.wire(cmd("CLIENT", "ID"));
        assertThat(id).matches(":[1-9][0-9]*\r\n");
        assertThat(client.wire(cmd("CLIENT", "GETNAME"))).isEqualTo("$-1\r\n");
        assertThat(client.wire(cmd("CLIENT", "SETNAME", "worker-1"))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("CLIENT", "getname"))).isEqualTo("$8\r\nworker-1\r\n");
        assertThat(client.wire(cmd("CLIENT", "SETNAME", "a b")))
                .isEqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
        assertThat(client.wire(cmd("CLIENT", "SETNAME", ""))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("CLIENT", "GETNAME"))).isEqualTo("$-1\r\n");
        assertThat(client.wire(cmd("CLIENT", "SETINFO", "LIB-NAME", "redis-py")))
                .isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("CLIENT", "SETINFO", "LIB-VER", "8.1.0"))).isEqualTo("+OK\r\n");
        assertThat(client.wire(cmd("CLIENT", "SETNAME")))
                .isEqualTo("-ERR wrong number of arguments for 'client|setname' command\r\n");
        assertThat(client.wire(cmd("CLIENT", "KILL", "x")))
                .isEqualTo("-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n");
        assertThat(client.wire(cmd("HELLO", "3", "SETNAME", "via-hello"))).contains("$2\r\nid\r\n" + id);
        assertThat(client.wire(cmd("CLIENT", "GETNAME"))).isEqualTo("$9\r\nvia-hello\r\n");
    }
}
