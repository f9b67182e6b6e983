package io.magnetar.itests;

import static io.magnetar.itests.Magnetar.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * A protocol or transport bundle (HTTP, RESP, WebSocket, TLS) updated and refreshed in a real Felix lets its old
 * revision go: the event loops that served it (they belong to the loop bundle and live on) must not keep its class
 * loader. Each update would otherwise keep a whole copy of the bundle's classes for the life of the process.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BundleUpdateClassLoaderIT {

    private static final int REQUESTS = 20;
    private static final int MESSAGES = 5;
    private static final String PASSWORD = "changeit";

    @TempDir
    Path tmp;

    @Test
    void anUpdatedHttpBundleThatServedRequestsLeavesNoClassLoaderBehind() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-web.cfg", "transport = tcp\nprotocol = http\nhost = 127.0.0.1\nport = 0\n");
            updatedAfterTrafficLeavesNoClassLoader(m, "magnetar-protocol-http", () -> serve(m.awaitServing("web")));
        }
    }

    @Test
    void anUpdatedRespBundleThatServedCommandsLeavesNoClassLoaderBehind() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-kv.cfg", "transport = tcp\nprotocol = resp\nhost = 127.0.0.1\nport = 0\n");
            updatedAfterTrafficLeavesNoClassLoader(m, "magnetar-protocol-resp", () -> ping(m.awaitServing("kv")));
        }
    }

    @Test
    void anUpdatedWebSocketBundleThatServedMessagesLeavesNoClassLoaderBehind() throws Exception {
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc(
                    "io.magnetar.endpoint-web.cfg", "transport = tcp\nprotocol = http\nhost = 127.0.0.1\nport = 0\n");
            updatedAfterTrafficLeavesNoClassLoader(m, "magnetar-websocket", () -> echoMessages(m.awaitServing("web")));
        }
    }

    @Test
    void anUpdatedTlsBundleThatServedConnectionsLeavesNoClassLoaderBehind() throws Exception {
        Path store = TlsEndpointIT.keyStore(tmp.resolve("server.p12"), PASSWORD);
        try (Magnetar m = Magnetar.boot(tmp, Map.of())) {
            m.writeEtc("io.magnetar.endpoint-secure.cfg", TlsEndpointIT.echoEndpoint(store, PASSWORD));
            SSLContext client = TlsEndpointIT.trusting(store, PASSWORD);
            updatedAfterTrafficLeavesNoClassLoader(
                    m, "magnetar-tls", () -> echoOverTls(client, m.awaitServing("secure")));
        }
    }

    /** Traffic that makes the bundle's classes run on the event loops. */
    @FunctionalInterface
    private interface Traffic {
        void drive() throws Exception;
    }

    /**
     * Drives {@code traffic}, updates and refreshes bundle {@code name}, drives it again (on the new revision),
     * and waits for the old revision's class loader to be collected.
     */
    private static void updatedAfterTrafficLeavesNoClassLoader(Magnetar m, String name, Traffic traffic)
            throws Exception {
        traffic.drive();
        Bundle bundle = m.bundle(name);
        WeakReference<ClassLoader> old =
                new WeakReference<>(bundle.adapt(BundleWiring.class).getClassLoader());

        bundle.update();
        refresh(m, bundle);
        await(name + " active again", () -> bundle.getState() == Bundle.ACTIVE);
        traffic.drive();

        awaitCollected(old);
    }

    private static void awaitCollected(WeakReference<ClassLoader> old) {
        await("the old revision's class loader collected", Duration.ofSeconds(60), () -> {
            System.gc();
            return old.get() == null;
        });
        assertThat(old.get()).isNull();
    }

    /** Text messages echoed on /ws/echo, each on a connection of its own, closed by the client's close frame. */
    private static void echoMessages(int port) throws Exception {
        for (int i = 0; i < MESSAGES; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                assertThat(WebSockets.handshake(s, "/ws/echo")).startsWith("HTTP/1.1 101");
                byte[] text = ("message " + i).getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write(WebSockets.clientFrame(0x1, true, text));
                DataInputStream in = new DataInputStream(s.getInputStream());
                assertThat(in.readUnsignedByte()).isEqualTo(0x81);
                assertThat(in.readUnsignedByte()).isEqualTo(text.length);
                assertThat(in.readNBytes(text.length)).isEqualTo(text);
                s.getOutputStream().write(WebSockets.clientFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}));
                assertThat(in.readUnsignedByte()).isEqualTo(0x88);
            }
        }
    }

    private static void echoOverTls(SSLContext client, int port) throws Exception {
        for (int i = 0; i < MESSAGES; i++) {
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                byte[] message = ("hello " + i + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                s.getOutputStream().write(message);
                assertThat(new DataInputStream(s.getInputStream()).readNBytes(message.length))
                        .isEqualTo(message);
            }
        }
    }

    private static void ping(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("PING\r\n".repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII));
            byte[] want = "+PONG\r\n".repeat(REQUESTS).getBytes(StandardCharsets.US_ASCII);
            assertThat(s.getInputStream().readNBytes(want.length)).isEqualTo(want);
        }
    }

    private static void serve(int port) throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            String out = Scrape.curl("http://127.0.0.1:" + port + "/plaintext");
            assertThat(Scrape.status(out)).isEqualTo(200);
        }
    }

    private static void refresh(Magnetar m, Bundle bundle) throws InterruptedException {
        FrameworkWiring wiring = m.context().getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch refreshed = new CountDownLatch(1);
        wiring.refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertThat(refreshed.await(60, TimeUnit.SECONDS))
                .as("packages refreshed")
                .isTrue();
    }
}
