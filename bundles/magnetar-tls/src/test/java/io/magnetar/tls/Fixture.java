package io.magnetar.tls;

import io.magnetar.api.Endpoint;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.tcp.TcpTransportProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A loop group with TCP and TLS providers, and the servers a test started; close it after each test. */
final class Fixture implements AutoCloseable {

    final TestPki pki = TestPki.get();
    final SelectorEventLoopGroup group = new SelectorEventLoopGroup(2, "tls-test");
    final TcpTransportProvider tcp = new TcpTransportProvider(group);
    final SslTransportProvider tls = new SslTransportProvider(tcp);
    private final List<TcpServer> tcpServers = new ArrayList<>();
    private final List<Server> servers = new ArrayList<>();

    /** Echo ({@code \r\n\r\n}-framed) over TLS with {@code properties}, on a TcpServer. */
    TcpServer echoServer(Map<String, Object> properties) throws Exception {
        TcpServer server = TcpServer.builder(tls, EchoServerConsumer::newConnection)
                .endpoint(Support.endpoint(properties))
                .build();
        tcpServers.add(server);
        return Support.await(server.startServing());
    }

    /** Echo over TLS with the test server certificate. */
    TcpServer echoServer() throws Exception {
        return echoServer(pki.serverProperties(pki.serverKeys));
    }

    /** A bare TLS server whose protocols come from {@code factory}. */
    Server listen(Map<String, Object> properties, ProtocolFactory factory) throws Exception {
        Server server = Support.await(tls.listen(Support.endpoint(properties), factory));
        servers.add(server);
        return server;
    }

    Endpoint clientEndpoint(Map<String, Object> extra) {
        Map<String, Object> p = pki.clientProperties();
        p.putAll(extra);
        return Support.endpoint(p);
    }

    @Override
    public void close() throws Exception {
        for (TcpServer s : tcpServers) {
            s.close().get(20, TimeUnit.SECONDS);
        }
        for (Server s : servers) {
            s.close().get(10, TimeUnit.SECONDS);
        }
        group.close().get(10, TimeUnit.SECONDS);
    }
}
