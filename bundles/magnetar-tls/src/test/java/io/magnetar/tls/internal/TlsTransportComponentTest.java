package io.magnetar.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Endpoint;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.protocol.echo.EchoClientConsumer;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.protocols.Connection;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.tls.TestPki;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DS component, wired by hand as SCR would: serves and connects with endpoint properties alone. */
class TlsTransportComponentTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(1, "tls-component-test");

    @AfterEach
    void close() throws Exception {
        group.close().get(10, TimeUnit.SECONDS);
    }

    @Test
    void servesEchoOverTlsFromEndpointPropertiesAlone() throws Exception {
        TestPki pki = TestPki.get();
        TlsTransportComponent component = new TlsTransportComponent();
        component.plain = new TcpTransportProvider(group);
        component.activate();
        Endpoint serverEndpoint = Endpoint.builder()
                .properties(Map.of("tls.keyStore", pki.serverKeys.toString(), "tls.keyStorePassword", TestPki.PASSWORD))
                .build();
        Endpoint clientEndpoint = Endpoint.builder()
                .properties(
                        Map.of("tls.trustStore", pki.trustStore.toString(), "tls.trustStorePassword", TestPki.PASSWORD))
                .build();

        Server server = component
                .listen(serverEndpoint, EchoServerConsumer::newConnection)
                .get(10, TimeUnit.SECONDS);
        Connection client = EchoClientConsumer.newConnection();
        StreamTransport t =
                component.connect(server.localAddress(), clientEndpoint, client).get(10, TimeUnit.SECONDS);
        Object echoed = client.request("via the component").get(10, TimeUnit.SECONDS);

        assertThat(new String((byte[]) echoed, StandardCharsets.UTF_8)).isEqualTo("via the component");
        t.close();
        server.close().get(10, TimeUnit.SECONDS);
    }
}
