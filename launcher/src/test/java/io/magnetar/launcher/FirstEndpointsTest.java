package io.magnetar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstEndpointsTest {

    private static final String FEATURES = """
            <features xmlns="http://karaf.apache.org/xmlns/features/v1.6.0" name="t">
              <feature name="core"><bundle>mvn:io.magnetar/magnetar-api/1</bundle></feature>
              <feature name="tcp"><feature>core</feature><bundle>mvn:io.magnetar/magnetar-tcp/1</bundle>
                <capability>io.magnetar.service;magnetar.transport=tcp</capability></feature>
              <feature name="tls"><feature>core</feature><bundle>mvn:io.magnetar/magnetar-tls/1</bundle>
                <capability>io.magnetar.service;magnetar.transport=tls</capability></feature>
              <feature name="echo"><feature>core</feature><bundle>mvn:io.magnetar/magnetar-protocol-echo/1</bundle>
                <capability>io.magnetar.service;magnetar.protocol=echo</capability></feature>
              <feature name="http"><feature>core</feature><bundle>mvn:io.magnetar/magnetar-protocol-http/1</bundle>
                <capability>io.magnetar.service;magnetar.protocol=http</capability></feature>
              <feature name="assembly"><bundle>mvn:io.magnetar/magnetar-assembly/1</bundle></feature>
            </features>
            """;

    private static FeatureRepository repository() throws IOException {
        return FeatureRepository.read(new ByteArrayInputStream(FEATURES.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theEndpointFilesNameTheFeaturesStartedFirst(@TempDir Path etc) throws IOException {
        Files.writeString(etc.resolve("io.magnetar.endpoint-echo.cfg"), "protocol = echo\nport = 7\n");
        Files.writeString(etc.resolve("io.magnetar.endpoint-web.config"), "transport = \"tls\"\nprotocol = \"http\"\n");
        Files.writeString(etc.resolve("io.magnetar.endpoint-odd.cfg"), "protocol = gopher\n");
        Files.writeString(etc.resolve("other.cfg"), "protocol = echo\ntransport = udp\n");
        List<String> configured = List.of("core", "tcp", "tls", "echo", "http", "assembly");

        FirstEndpoints endpoints = FirstEndpoints.read(etc);

        assertThat(endpoints.endpoints()).hasSize(3);
        assertThat(endpoints.features(repository(), configured, "assembly"))
                .containsExactlyInAnyOrder("tcp", "echo", "tls", "http", "assembly");
        // gopher is nobody's: waiting for it would only delay the other features
        assertThat(endpoints.servable(repository(), configured)).isEqualTo(2);
        // a feature not configured is not started early either
        assertThat(endpoints.features(repository(), List.of("core", "tcp", "echo", "assembly"), "assembly"))
                .containsExactlyInAnyOrder("tcp", "echo", "assembly");
    }

    @Test
    void noEndpointFilesStartNothingFirst(@TempDir Path etc) throws IOException {
        FirstEndpoints endpoints = FirstEndpoints.read(etc.resolve("absent"));

        assertThat(endpoints.endpoints()).isEmpty();
        assertThat(endpoints.features(repository(), List.of("tcp", "echo", "assembly"), "assembly"))
                .isEmpty();
    }
}
