package io.magnetar.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The log set up from the home: levels from {@code etc/logging.properties} (java.util.logging syntax,
 * {@code io.magnetar.level = FINE} and the like), and every record also written to a file under
 * {@code data/log/} that rotates at {@value #LIMIT} bytes, {@value #COUNT} generations kept
 * ({@code magnetar.0.log} the newest). Runs once, on the main thread, before anything logs.
 */
final class LogFiles {

    static final int LIMIT = 10 * 1024 * 1024;
    static final int COUNT = 5;

    private LogFiles() {}

    /** Reads the levels and adds the file; a problem with either is reported and start-up goes on. */
    static void configure(Path home) {
        Path config = home.resolve("etc").resolve("logging.properties");
        if (Files.isRegularFile(config)) {
            try (InputStream in = Files.newInputStream(config)) {
                LogManager.getLogManager().readConfiguration(in);
            } catch (IOException | RuntimeException e) {
                System.err.println("magnetar: cannot read " + config + ": " + e.getMessage() + "; default log levels");
            }
        }
        Path dir = home.resolve("data").resolve("log");
        try {
            Files.createDirectories(dir);
            FileHandler file = new FileHandler(dir.resolve("magnetar.%g.log").toString(), LIMIT, COUNT, true);
            file.setFormatter(new SimpleFormatter());
            file.setEncoding("UTF-8");
            Logger.getLogger("").addHandler(file);
        } catch (IOException | RuntimeException e) {
            System.err.println(
                    "magnetar: no log file under " + dir + ": " + e.getMessage() + "; logging to the console only");
        }
    }
}
