package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code redis-cli}, the real redis command-line client, against the Magnetar RESP server: one command
 * per run, its output as redis-cli prints it when not on a terminal. Skipped when redis-cli is not
 * installed, unless {@code MAGNETAR_REQUIRE_PEERS=1}.
 */
class RedisCliTest {

    private Path cli;
    private MagnetarRespServer resp;

    @BeforeEach
    void start() throws Exception {
        cli = Peers.require("redis-cli");
        resp = new MagnetarRespServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (resp != null) {
            resp.close();
        }
    }

    private String cli(String... command) throws Exception {
        String[] args = new String[command.length + 4];
        args[0] = "-h";
        args[1] = "127.0.0.1";
        args[2] = "-p";
        args[3] = Integer.toString(resp.port);
        System.arraycopy(command, 0, args, 4, command.length);
        Peers.Result r = Peers.run(cli, args);
        return r.output();
    }

    @Test
    void pingSetGetAndIncr() throws Exception {
        assertThat(cli("PING")).isEqualTo("PONG\n");
        assertThat(cli("SET", "greeting", "hello from redis-cli")).isEqualTo("OK\n");
        assertThat(cli("GET", "greeting")).isEqualTo("hello from redis-cli\n");
        assertThat(cli("INCR", "visits")).isEqualTo("1\n");
        assertThat(cli("incr", "visits")).isEqualTo("2\n");
        assertThat(cli("DBSIZE")).isEqualTo("2\n");
    }

    @Test
    void listsPushAndRange() throws Exception {
        assertThat(cli("LPUSH", "l", "a", "b", "c")).isEqualTo("3\n");
        assertThat(cli("RPUSH", "l", "z")).isEqualTo("4\n");
        assertThat(cli("LRANGE", "l", "0", "-1")).isEqualTo("c\nb\na\nz\n");
        assertThat(cli("LPOP", "l")).isEqualTo("c\n");
    }

    @Test
    void errorsAsRedisPrintsThem() throws Exception {
        // The blank line after an error is redis-cli's own: it prints the same against redis-server 7.0.
        assertThat(cli("FOO", "bar")).isEqualTo("ERR unknown command 'FOO', with args beginning with: 'bar' \n\n");
        assertThat(cli("GET")).isEqualTo("ERR wrong number of arguments for 'get' command\n\n");
        assertThat(cli("SET", "s", "x")).isEqualTo("OK\n");
        assertThat(cli("LPUSH", "s", "y"))
                .isEqualTo("WRONGTYPE Operation against a key holding the wrong kind of value\n\n");
        assertThat(cli("PING")).as("the server serves on").isEqualTo("PONG\n");
    }

    @Test
    void infoHasTheServerAndKeyspaceSections() throws Exception {
        cli("SET", "k", "v");
        String info = cli("INFO");
        assertThat(info).contains("# Server", "redis_version:7.0.0-magnetar", "# Keyspace", "db0:keys=1,expires=0");
    }
}
