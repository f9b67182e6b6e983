package io.magnetar.tls;

import io.magnetar.api.Endpoint;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import io.magnetar.tls.internal.HandshakeWorkers;
import io.magnetar.tls.internal.SslProtocol;
import java.lang.reflect.Array;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;

/**
 * Listens and connects TLS through a plain stream {@link TransportProvider} (TCP): each plain
 * connection gets a TLS layer, and the application protocol gets a {@link SocketStreamSslTransport}
 * once the handshake is done, so any protocol runs over TLS unchanged. The TLS configuration of each
 * call comes from the endpoint's {@code tls.*} properties ({@link TlsSettings}).
 *
 * <p>Server side, the protocol factory is called only after a successful handshake: a connection
 * whose handshake fails or times out is closed with a logged reason, and no protocol ever hears of it.
 * Client side, {@link #connect} completes after {@code connectionMade}, or fails with the handshake
 * error ({@link javax.net.ssl.SSLHandshakeException}, or {@link java.net.SocketTimeoutException} for the
 * handshake timeout).
 *
 * <p>The CPU work of a handshake (key agreement, signing, certificate checks: the engine's delegated
 * tasks) runs on a worker executor, not on the event loop, so that handshakes never stall the other
 * connections of a loop; a cold JVM takes tens to hundreds of milliseconds per handshake.
 *
 * <p>Thread-safe. Returned futures complete on an event loop thread.
 */
public final class SslTransportProvider implements TransportProvider {

    /** The value of {@link TransportProvider#TRANSPORT} for this provider. */
    public static final String NAME = "tls";
    /** Client settings are kept for this many distinct configurations, so connects reuse contexts and sessions. */
    private static final int CLIENT_SETTINGS_CACHE = 16;

    private final TransportProvider plain;
    private final Executor handshakeTasks;
    private final Map<Map<String, Object>, TlsSettings> clientSettings = new ConcurrentHashMap<>();

    /**
     * TLS over the stream transports of {@code plain}, with handshake work on daemon threads of its own
     * ({@code magnetar-tls-handshake-N}, at most one per processor, ended when idle).
     */
    public SslTransportProvider(TransportProvider plain) {
        this(plain, new HandshakeWorkers("magnetar-tls-handshake"));
    }

    /**
     * TLS over the stream transports of {@code plain}, with handshake work on {@code handshakeTasks}
     * (CPU-bound tasks of a few milliseconds each once the JVM is warm). Once it refuses work
     * ({@link java.util.concurrent.RejectedExecutionException}: shut down), event loops do it themselves.
     */
    public SslTransportProvider(TransportProvider plain, Executor handshakeTasks) {
        this.plain = Objects.requireNonNull(plain, "plain");
        this.handshakeTasks = Objects.requireNonNull(handshakeTasks, "handshakeTasks");
    }

    /**
     * Binds through the plain provider and serves TLS with the endpoint's key material. Fails at once
     * with an {@link IllegalArgumentException} naming the property when the TLS configuration is wrong
     * or has no key (a server needs {@code tls.keyStore} or {@code tls.certificate} + {@code tls.privateKey}).
     */
    @Override
    public CompletableFuture<Server> listen(Endpoint endpoint, ProtocolFactory factory) {
        TlsSettings settings;
        try {
            settings = TlsSettings.from(endpoint);
            if (!settings.hasKeyMaterial()) {
                throw new IllegalArgumentException("a TLS server needs " + TlsSettings.KEY_STORE + " or "
                        + TlsSettings.CERTIFICATE + " + " + TlsSettings.PRIVATE_KEY);
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "cannot serve TLS on " + endpoint.host() + ":" + endpoint.port() + ": " + e.getMessage(), e));
        }
        // Called on the loop that owns each accepted connection; the application protocol comes later.
        ProtocolFactory tls = () -> new SslProtocol(
                settings.newServerEngine(),
                settings.handshakeTimeout(),
                handshakeTasks,
                factory::newProtocol,
                SocketStreamSslTransport::new);
        return plain.listen(endpoint, tls);
    }

    /**
     * Connects through the plain provider and completes after the handshake and {@code connectionMade}.
     * The server certificate is checked against the endpoint's trust ({@code tls.trustStore}, else the
     * JDK's) and, unless {@code tls.verifyHostname=false}, against {@code tls.serverName} or the host of
     * {@code address}, which is also sent as SNI.
     */
    @Override
    public CompletableFuture<StreamTransport> connect(InetSocketAddress address, Endpoint endpoint, Protocol protocol) {
        SslProtocol ssl;
        try {
            TlsSettings settings = clientSettings(endpoint);
            SSLEngine engine = settings.newClientEngine(address);
            ssl = new SslProtocol(
                    engine, settings.handshakeTimeout(), handshakeTasks, () -> protocol, SocketStreamSslTransport::new);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("cannot connect TLS to " + address + ": " + e.getMessage(), e));
        }
        return plain.connect(address, endpoint, ssl).thenCompose(t -> ssl.handshake());
    }

    /** The settings of {@code endpoint}, read once per distinct {@code tls.*} configuration. */
    private TlsSettings clientSettings(Endpoint endpoint) {
        Map<String, Object> key = new TreeMap<>();
        endpoint.properties().forEach((k, v) -> {
            if (k.startsWith(TlsSettings.PREFIX)) {
                key.put(k, comparable(v));
            }
        });
        TlsSettings cached = clientSettings.get(key);
        if (cached != null) {
            return cached;
        }
        TlsSettings settings = TlsSettings.from(endpoint);
        if (clientSettings.size() >= CLIENT_SETTINGS_CACHE) {
            clientSettings.clear(); // many distinct configurations: start over rather than grow
        }
        clientSettings.put(key, settings);
        return settings;
    }

    /** Arrays compare by identity; configuration admin hands out arrays for list values. */
    private static Object comparable(Object value) {
        if (value != null && value.getClass().isArray()) {
            if (value instanceof char[] chars) {
                return new String(chars);
            }
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                list.add(Array.get(value, i));
            }
            return list;
        }
        return value;
    }

    @Override
    public String toString() {
        return "SslTransportProvider[" + plain + "]";
    }
}
