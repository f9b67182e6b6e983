package io.magnetar.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The base of every transport: what is common to streams and datagrams (asyncio {@code BaseTransport}).
 *
 * <p>Confined to its event loop, except {@link #close()}, {@link #abort()}, {@link #isClosing()},
 * {@link #loop()} and {@link #extraInfo(String)}, which are thread-safe (off-loop calls are handed
 * to the loop).
 */
@ProviderType
public interface Transport {

    /** {@code extraInfo} key: the remote {@link java.net.SocketAddress}. */
    String PEERNAME = "peername";
    /** {@code extraInfo} key: the local {@link java.net.SocketAddress}. */
    String SOCKNAME = "sockname";
    /** {@code extraInfo} key: the underlying {@link java.nio.channels.Channel}. */
    String SOCKET = "socket";
    /** {@code extraInfo} key: the {@link javax.net.ssl.SSLSession} of a TLS transport. */
    String SSL_SESSION = "ssl_session";
    /** {@code extraInfo} key: the negotiated ALPN protocol name of a TLS transport. */
    String ALPN_PROTOCOL = "alpn_protocol";
    /** {@code extraInfo} key: the peer certificate chain of a TLS transport. */
    String PEER_CERTIFICATES = "peercert";

    /** The loop this transport and its protocol are confined to. */
    EventLoop loop();

    /**
     * Optional information about the transport, or {@code null} when the key is unknown or not
     * available (see the key constants on this type).
     */
    Object extraInfo(String key);

    /** True once {@link #close()} or {@link #abort()} was called or the connection was lost. */
    boolean isClosing();

    /**
     * Closes after buffered data has been flushed; no more data is received. The protocol's
     * {@code connectionLost(null)} follows, once.
     */
    void close();

    /**
     * Closes at once, dropping buffered data. The protocol's {@code connectionLost(null)} follows, once.
     */
    void abort();
}
