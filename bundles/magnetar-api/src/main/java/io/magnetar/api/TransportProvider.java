package io.magnetar.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Makes stream transports: listens and connects. Registered as an OSGi service with
 * {@link #TRANSPORT} naming the kind ({@code tcp}, {@code tls}).
 *
 * <p>Thread-safe. Returned futures complete on an event loop thread.
 */
@ProviderType
public interface TransportProvider {

    /** Service property naming the transport kind. */
    String TRANSPORT = "magnetar.transport";

    /**
     * Binds {@code endpoint} and accepts connections, each with a protocol from {@code factory} on a
     * loop of the provider's group. Fails with the bind error (port in use, bad address).
     */
    CompletableFuture<Server> listen(Endpoint endpoint, ProtocolFactory factory);

    /**
     * Connects to {@code address} within {@code endpoint.connectTimeout()} and attaches
     * {@code protocol}. Fails with {@link java.net.ConnectException} on refusal and
     * {@link java.net.SocketTimeoutException} on timeout.
     */
    CompletableFuture<StreamTransport> connect(InetSocketAddress address, Endpoint endpoint, Protocol protocol);
}
