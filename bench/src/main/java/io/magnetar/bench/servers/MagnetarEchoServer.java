package io.magnetar.bench.servers;

import io.magnetar.api.Endpoint;
import io.magnetar.api.TransportProvider;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.producers.TcpServer;
import io.magnetar.protocol.echo.EchoServerConsumer;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.tls.SslTransportProvider;
import io.magnetar.tls.TlsSettings;
import java.security.Security;
import java.util.concurrent.CountDownLatch;
import org.conscrypt.Conscrypt;

/**
 * Bench server: {@code --port 0 --threads 1 --mode raw|framed [--tls-keystore p12 --tls-password pw
 * [--tls-provider NAME] [--tls-protocols TLSv1.3] [--tls-ciphers a,b]]}. {@code --tls-provider} sets
 * {@code tls.provider} (installing Conscrypt first when NAME is {@code Conscrypt}); the protocols and cipher
 * suites set {@code tls.protocols} and {@code tls.cipherSuites}; unset, Magnetar's defaults apply.
 * Prints {@code READY <port>} once listening and serves until killed.
 */
public final class MagnetarEchoServer {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        var loops = new SelectorEventLoopGroup(args.getInt("threads", 1), "magnetar-loop");
        TransportProvider transport = new TcpTransportProvider(loops);
        Endpoint.Builder endpoint = Endpoint.builder()
                .host("127.0.0.1")
                .port(args.getInt("port", 0))
                .backlog(1024);
        String keyStore = args.get("tls-keystore", "");
        if (!keyStore.isEmpty()) {
            transport = new SslTransportProvider(transport);
            endpoint.property(TlsSettings.KEY_STORE, keyStore)
                    .property(TlsSettings.KEY_STORE_PASSWORD, args.get("tls-password", ""));
            String provider = args.get("tls-provider", "");
            if (provider.equals("Conscrypt")) {
                Security.addProvider(Conscrypt.newProvider());
            }
            optional(endpoint, TlsSettings.PROVIDER, provider);
            optional(endpoint, TlsSettings.PROTOCOLS, args.get("tls-protocols", ""));
            optional(endpoint, TlsSettings.CIPHER_SUITES, args.get("tls-ciphers", ""));
        }
        boolean framed = args.get("mode", "raw").equals("framed");
        TcpServer server = TcpServer.builder(transport, framed ? EchoServerConsumer::newConnection : RawEcho::new)
                .endpoint(endpoint.build())
                .build();
        server.startServing().join();
        System.out.println("READY " + server.address().getPort());
        new CountDownLatch(1).await();
    }

    private static void optional(Endpoint.Builder endpoint, String key, String value) {
        if (!value.isEmpty()) {
            endpoint.property(key, value);
        }
    }
}
