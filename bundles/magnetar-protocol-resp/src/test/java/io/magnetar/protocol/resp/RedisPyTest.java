package io.magnetar.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * redis-py, a client we did not write (installed by {@code .ci/run}), runs {@code redis_py_client.py} against
 * the server: its default connection (redis-py 8 asks for RESP3 with {@code HELLO 3} and does not fall back),
 * RESP2 and RESP3, with nils, lists, maps, a pipeline and an error; a connection with a client name. Skipped when redis-py is missing, unless
 * {@code MAGNETAR_REQUIRE_PEERS=1}.
 */
class RedisPyTest {

    @TempDir
    Path tmp;

    @Test
    void redisPyConnectsAsItDoesByDefaultAndInBothProtocols() throws Exception {
        boolean required = "1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"));
        assumeTrue(required || redisPy(), "redis-py is not installed (pip install redis; .ci/run does it)");
        Path script = tmp.resolve("redis_py_client.py");
        try (var in = getClass().getResourceAsStream("/redis_py_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        try (MagnetarRespServer resp = new MagnetarRespServer()) {
            Process p = new ProcessBuilder("python3", script.toString(), Integer.toString(resp.port))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.println(out);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("OK default", "OK resp2", "OK resp3", "OK client_name", "OK all");
        }
    }

    private static boolean redisPy() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import redis")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
