package io.magnetar.tcp;

import io.magnetar.api.Endpoint;
import io.magnetar.api.Server;
import io.magnetar.api.Transport;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A listening provider whose server-side protocols can be looked up by their client's socket. */
final class EchoServer {

    final Server server;
    private final Map<SocketAddress, CompletableFuture<EchoProtocol>> byPeer = new ConcurrentHashMap<>();

    private EchoServer(TcpTransportProvider provider, Endpoint endpoint, Supplier<? extends EchoProtocol> protocols)
            throws Exception {
        this.server = Loopback.await(provider.listen(endpoint, () -> {
            EchoProtocol protocol = protocols.get();
            // Registered once the transport exists: its peername is the client's local address.
            protocol.made.thenAccept(
                    t -> peer((SocketAddress) t.extraInfo(Transport.PEERNAME)).complete(protocol));
            return protocol;
        }));
    }

    static EchoServer listen(TcpTransportProvider provider, Supplier<? extends EchoProtocol> protocols)
            throws Exception {
        return new EchoServer(provider, Endpoint.builder().build(), protocols);
    }

    static EchoServer listen(
            TcpTransportProvider provider, Endpoint endpoint, Supplier<? extends EchoProtocol> protocols)
            throws Exception {
        return new EchoServer(provider, endpoint, protocols);
    }

    InetSocketAddress address() {
        return server.localAddress();
    }

    /** A blocking client connected to this server. */
    Socket connect() throws Exception {
        Socket socket = new Socket();
        socket.connect(address(), (int) Loopback.TIMEOUT.toMillis());
        socket.setSoTimeout((int) Loopback.TIMEOUT.toMillis());
        return socket;
    }

    /** The server-side protocol of {@code client}'s connection, once connectionMade ran. */
    <P extends EchoProtocol> P protocolOf(Socket client) throws Exception {
        return protocolOf(client.getLocalSocketAddress());
    }

    /** The server-side protocol of a client transport's connection. */
    <P extends EchoProtocol> P protocolOf(Transport client) throws Exception {
        return protocolOf((SocketAddress) client.extraInfo(Transport.SOCKNAME));
    }

    private <P extends EchoProtocol> P protocolOf(SocketAddress clientAddress) throws Exception {
        @SuppressWarnings("unchecked")
        P p = (P) Loopback.await(peer(clientAddress));
        return p;
    }

    private CompletableFuture<EchoProtocol> peer(SocketAddress address) {
        return byPeer.computeIfAbsent(address, a -> new CompletableFuture<>());
    }
}
