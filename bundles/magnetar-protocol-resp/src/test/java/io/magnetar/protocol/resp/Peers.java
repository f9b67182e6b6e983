package io.magnetar.protocol.resp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The redis command-line tools as test peers: skipped with the reason when missing, failed instead when
 * {@code MAGNETAR_REQUIRE_PEERS=1} (CI, where {@code .ci/run} installs redis-tools).
 */
final class Peers {

    private Peers() {}

    /** The tool's path, or the calling test is skipped (or failed, see above). */
    static Path require(String tool) {
        Path path = find(tool);
        if ("1".equals(System.getenv("MAGNETAR_REQUIRE_PEERS"))) {
            assertTrue(path != null, "MAGNETAR_REQUIRE_PEERS=1 but " + tool + " is not on the PATH");
        }
        Assumptions.assumeTrue(
                path != null,
                tool + " is not installed (apt-get install redis-tools; .ci/run does it);"
                        + " set MAGNETAR_REQUIRE_PEERS=1 to fail instead of skipping");
        return path;
    }

    private static Path find(String tool) {
        String pathVariable = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs {@code tool args...} to its end (killed after 60 s) and returns its output, stderr included. */
    static Result run(Path tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(List.of(args));
        // Output to a file, not a pipe: a hanging tool cannot hang the read, and waitFor's bound holds.
        Path out = Files.createTempFile("magnetar-" + tool.getFileName(), ".out");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not end within 60 s: " + Files.readString(out));
            }
            return new Result(p.exitValue(), new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A finished tool run. */
    record Result(int exitCode, String output) {}
}
