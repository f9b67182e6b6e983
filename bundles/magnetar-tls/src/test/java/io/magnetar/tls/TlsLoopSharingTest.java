package io.magnetar.tls;

import static io.magnetar.tls.Support.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.api.Protocol;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.tcp.TcpTransportProvider;
import io.magnetar.tls.internal.HandshakeWorkers;
import io.magnetar.tls.internal.SslProtocol;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections sharing one event loop: a handshake must not stall the others, and many sequential
 * small round trips (the load generator's pattern) must all come back. Deadlines here guard against
 * hangs; nothing measures speed.
 */
@Timeout(120)
class TlsLoopSharingTest {

    private static final int ROUND_TRIPS = 200;
    private static final int MESSAGE = 1024;

    /** One loop: every connection of a test shares it. */
    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(1, "tls-sharing-test");

    private final TcpTransportProvider tcp = new TcpTransportProvider(group);
    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (Server s : servers) {
            s.close().get(10, TimeUnit.SECONDS);
        }
        group.close().get(10, TimeUnit.SECONDS);
    }

    /**
     * The second client's handshake blocks inside the server's key manager (as a key manager backed by
     * a remote key store or an HSM may, and as a cold JVM's key agreement and signing take hundreds of
     * milliseconds): that is the engine's delegated task. Run on the loop, it would stop every other
     * connection of the loop until it returns; the first client must go on meanwhile.
     */
    @Test
    void aBlockedHandshakeDoesNotStallTheOtherConnectionsOfItsLoop() throws Exception {
        BlockingKeyManager keys = new BlockingKeyManager(serverKeyManager());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(new javax.net.ssl.KeyManager[] {keys}, null, null);
        HandshakeWorkers workers = new HandshakeWorkers("tls-sharing-test-handshake");
        Server server = await(tcp.listen(
                Support.endpoint(Map.of()),
                () -> new SslProtocol(
                        serverEngine(serverContext),
                        Duration.ofSeconds(60),
                        workers,
                        CopyEcho::new,
                        SocketStreamSslTransport::new)));
        servers.add(server);
        // Two client contexts: the second must not resume the first one's session, which skips the key.
        try (SSLSocket first =
                        Support.jdkClient(server.localAddress(), Support.jdkContext(TestPki.get().trustStore, null));
                SSLSocket second =
                        Support.jdkClient(server.localAddress(), Support.jdkContext(TestPki.get().trustStore, null))) {
            roundTrips(first, 1);
            keys.blockNext();
            CompletableFuture<Void> secondHandshake = CompletableFuture.runAsync(() -> {
                try {
                    second.startHandshake();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                assertThat(keys.blocked.await(Support.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                        .as("the second handshake reached the key manager")
                        .isTrue();

                roundTrips(first, ROUND_TRIPS); // with the loop blocked, the first read times out

                assertThat(secondHandshake)
                        .as("the second handshake waits for its key")
                        .isNotDone();
            } finally {
                keys.release.countDown();
            }
            await(secondHandshake);
            roundTrips(second, 1);
        } finally {
            workers.shutdown();
        }
    }

    /** The load generator's pattern over the provider's defaults: 4 clients, each 200 round trips of 1 KiB. */
    @Test
    void fourClientsEachMake200SequentialRoundTripsOf1KiB() throws Exception {
        SslTransportProvider tls = new SslTransportProvider(tcp);
        Server server = await(
                tls.listen(Support.endpoint(TestPki.get().serverProperties(TestPki.get().serverKeys)), CopyEcho::new));
        servers.add(server);
        SSLContext clientContext = Support.jdkContext(TestPki.get().trustStore, null);

        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(CompletableFuture.runAsync(
                    () -> {
                        try (SSLSocket client = Support.jdkClient(server.localAddress(), clientContext)) {
                            client.setTcpNoDelay(true);
                            roundTrips(client, ROUND_TRIPS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    runnable -> new Thread(runnable, "round-trip-client").start()));
        }

        for (CompletableFuture<Void> client : clients) {
            await(client);
        }
    }

    /**
     * {@code writeCopy} encrypts before it returns: the protocol may overwrite the buffer at once (the
     * TCP loop reuses its read buffer for the next read the same way) and the peer still gets the
     * original bytes; the buffer's position is at its limit afterwards.
     */
    @Test
    void writeCopyLeavesTheBufferToTheCallerAtOnce() throws Exception {
        CompletableFuture<Integer> positionAfterWrite = new CompletableFuture<>();
        SslTransportProvider tls = new SslTransportProvider(tcp);
        Server server = await(tls.listen(
                Support.endpoint(TestPki.get().serverProperties(TestPki.get().serverKeys)), () -> new CopyEcho() {
                    @Override
                    public void dataReceived(ByteBuffer data) {
                        super.dataReceived(data);
                        positionAfterWrite.complete(data.position() - data.limit());
                        data.clear();
                        while (data.hasRemaining()) {
                            data.put((byte) 0); // scribble over what was just written
                        }
                    }
                }));
        servers.add(server);
        byte[] message = Support.payload(5000);

        try (SSLSocket client =
                Support.jdkClient(server.localAddress(), Support.jdkContext(TestPki.get().trustStore, null))) {
            client.getOutputStream().write(message);
            byte[] echoed = client.getInputStream().readNBytes(message.length);

            assertThat(Arrays.mismatch(echoed, message))
                    .as("first differing byte")
                    .isEqualTo(-1);
            assertThat(await(positionAfterWrite))
                    .as("position - limit after writeCopy")
                    .isZero();
        }
    }

    /** Writes {@code n} messages of {@link #MESSAGE} bytes one after another, each read back before the next. */
    private static void roundTrips(Socket socket, int n) throws Exception {
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] message = Support.payload(MESSAGE);
        byte[] reply = new byte[MESSAGE];
        for (int i = 0; i < n; i++) {
            message[0] = (byte) i;
            out.write(message);
            in.readFully(reply);
            assertThat(Arrays.mismatch(reply, message))
                    .as("round trip %d: first differing byte", i)
                    .isEqualTo(-1);
        }
    }

    private static SSLEngine serverEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    private static X509ExtendedKeyManager serverKeyManager() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TestPki.get().serverKeys)) {
            store.load(in, TestPki.PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, TestPki.PASSWORD.toCharArray());
        return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    }

    /** Writes back what arrives with {@code writeCopy}, as the benchmark's echo does. Loop-confined. */
    static class CopyEcho implements Protocol {
        private StreamTransport transport;

        @Override
        public void connectionMade(StreamTransport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.writeCopy(data);
        }

        @Override
        public void connectionLost(Throwable cause) {}
    }

    /**
     * The server's key manager; after {@link #blockNext()}, the next handshake's choice of key waits
     * for {@link #release} (bounded, so a broken test cannot hang the build). Thread-safe.
     */
    private static final class BlockingKeyManager extends X509ExtendedKeyManager {
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final X509ExtendedKeyManager keys;
        private final AtomicInteger toBlock = new AtomicInteger();

        BlockingKeyManager(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        void blockNext() {
            toBlock.set(1);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            if (toBlock.compareAndSet(1, 0)) {
                blocked.countDown();
                try {
                    release.await(Support.TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return keys.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return keys.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }
}
