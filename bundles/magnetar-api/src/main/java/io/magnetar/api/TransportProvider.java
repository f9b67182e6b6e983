package io.magnetar.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Makes transports: listens and connects streams, binds and connects datagram sockets. Registered as
 * an OSGi service with {@link #TRANSPORT} naming the kind ({@code tcp}, {@code tls}, {@code udp}). A
 * provider that does not do one kind fails those calls with {@link UnsupportedOperationException}.
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

    /**
     * Binds a datagram socket to {@code local} (asyncio {@code create_datagram_endpoint(local_addr=…)})
     * and attaches {@code protocol} on a loop of the provider's group. The transport is unconnected:
     * it receives from anyone and sends where {@code sendTo} says. Completes after
     * {@code connectionMade}; fails with the bind error.
     */
    default CompletableFuture<DatagramTransport> bindDatagram(Endpoint local, DatagramProtocol protocol) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("transport " + getClass().getName() + " does not do datagrams"));
    }

    /**
     * A datagram socket connected to {@code remote} (asyncio {@code remote_addr=…}): it sends there by
     * default and receives only from there, and ICMP errors for that peer reach {@code errorReceived}.
     * Bound to {@code local}, or to an ephemeral port when {@code local} is {@code null}. Completes
     * after {@code connectionMade}.
     */
    default CompletableFuture<DatagramTransport> connectDatagram(
            InetSocketAddress remote, Endpoint local, DatagramProtocol protocol) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("transport " + getClass().getName() + " does not do datagrams"));
    }
}
