package io.magnetar.protocol.http.example;

import static org.assertj.core.api.Assertions.assertThat;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Resource;
import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpWhiteboard;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's handler bundle example identical to {@link HelloHandler}, and proves what bnd
 * makes of its annotations: the DS descriptor registers an {@link HttpHandler} with the whiteboard's
 * property names, spelled by nobody.
 */
class ReadmeHandlerExampleTest {

    private static final Path SOURCE = Path.of("src/test/java/io/magnetar/protocol/http/example/HelloHandler.java");
    private static final Path README = Path.of("../../README.md");

    @Test
    void readmeShowsTheExampleVerbatim() throws Exception {
        List<String> lines = Files.readAllLines(SOURCE);
        String snippet = lines.subList(lines.indexOf("// README:start") + 1, lines.indexOf("// README:end")).stream()
                .map(String::strip)
                .collect(Collectors.joining("\n"));
        String readme = Files.readAllLines(README).stream().map(String::strip).collect(Collectors.joining("\n"));
        assertThat(readme).contains(snippet);
    }

    @Test
    void bndTurnsTheAnnotationsIntoTheWhiteboardProperties() throws Exception {
        try (Builder b = new Builder()) {
            b.addClasspath(new File("target/test-classes"));
            b.setProperty("-includepackage", "io.magnetar.protocol.http.example");
            b.setProperty("-dsannotations", "io.magnetar.protocol.http.example.HelloHandler");
            b.setProperty("Bundle-SymbolicName", "example.hello");
            Jar jar = b.build();
            assertThat(b.getErrors()).isEmpty();
            Resource xml = jar.getResource("OSGI-INF/io.magnetar.protocol.http.example.HelloHandler.xml");
            assertThat(xml).isNotNull();
            String descriptor = new String(xml.openInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(descriptor)
                    .contains("interface=\"io.magnetar.protocol.http.HttpHandler\"")
                    .contains("name=\"" + HttpWhiteboard.PATH + "\"")
                    .contains("/hello")
                    .contains("name=\"" + HttpWhiteboard.METHOD + "\"")
                    .contains("GET");
        }
    }
}
