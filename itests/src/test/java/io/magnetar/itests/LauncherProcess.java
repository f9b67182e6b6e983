package io.magnetar.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Magnetar as the user runs it: a separate process ({@code launcher/run} or {@code bin/magnetar}) whose
 * standard output and error go to one file, stopped with SIGTERM or killed with SIGKILL.
 */
final class LauncherProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private LauncherProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code command} in {@code dir}, its output (both streams) to {@code output}, stdin closed. */
    static LauncherProcess start(List<String> command, Path dir, Path output) throws IOException {
        return start(command, dir, output, Map.of());
    }

    /** Like {@link #start(List, Path, Path)}, with {@code env} added to the environment. */
    static LauncherProcess start(List<String> command, Path dir, Path output, Map<String, String> env)
            throws IOException {
        ProcessBuilder b = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        b.environment().remove("MAVEN_OPTS");
        b.environment().putAll(env);
        return new LauncherProcess(b.start(), output);
    }

    /** What it printed so far. */
    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** Waits until it printed its start line ("Started in"), failing if it exits first. */
    void awaitStarted(Duration deadline) throws Exception {
        Magnetar.await("launcher started", deadline, () -> {
            try {
                if (!process.isAlive()) {
                    throw new AssertionError("launcher exited with " + process.exitValue() + ":\n" + output());
                }
                return output().contains("Started in");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** The process id (the JVM's: bin/magnetar execs it). */
    long pid() {
        return process.pid();
    }

    /** SIGTERM, without waiting for the exit. */
    void terminate() {
        process.destroy();
    }

    /** SIGTERM, then the exit status (within 30 s). */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("launcher did not stop within 30 s after SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: the JVM ends without running a shutdown hook. */
    void kill() throws InterruptedException {
        // bin/magnetar execs the JVM, so this process is the JVM itself.
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
