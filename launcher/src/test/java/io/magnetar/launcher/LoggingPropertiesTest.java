package io.magnetar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every logger the shipped {@code etc/logging.properties} and {@code docs/operating.md} tell an operator to
 * turn up names a package of the bundles' sources: a level set on a name no logger has logs nothing, silently.
 */
class LoggingPropertiesTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Pattern LEVEL = Pattern.compile("(io\\.magnetar(?:\\.[a-z]+)+)\\.level");

    private static List<String> loggersNamedIn(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        Matcher m = LEVEL.matcher(Files.readString(file));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static boolean isSourcePackage(String name) throws IOException {
        String path = name.replace('.', '/');
        try (Stream<Path> bundles = Files.list(REPOSITORY.resolve("bundles"))) {
            return bundles.anyMatch(
                    b -> Files.isDirectory(b.resolve("src/main/java").resolve(path)));
        }
    }

    @Test
    void everyLoggerTheShippedFilesNameExists() throws IOException {
        List<String> names = new ArrayList<>(loggersNamedIn(Path.of("src/main/dist/etc/logging.properties")));
        names.addAll(loggersNamedIn(REPOSITORY.resolve("docs/operating.md")));

        assertThat(names).as("loggers named").hasSizeGreaterThanOrEqualTo(3);
        for (String name : names) {
            assertThat(isSourcePackage(name))
                    .as("%s is a package of the bundles", name)
                    .isTrue();
        }
    }
}
