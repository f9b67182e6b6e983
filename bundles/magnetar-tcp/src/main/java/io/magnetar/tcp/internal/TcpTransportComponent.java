package io.magnetar.tcp.internal;

import io.magnetar.api.Endpoint;
import io.magnetar.api.EventLoopGroup;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import io.magnetar.tcp.TcpTransportProvider;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code magnetar.transport=tcp} service on the shared event loop group. Thread-safe. */
@Component(property = TransportProvider.TRANSPORT + "=" + TcpTransportProvider.NAME)
public final class TcpTransportComponent implements TransportProvider {

    @Reference
    EventLoopGroup group;

    private TcpTransportProvider provider;

    @Activate
    void activate() {
        provider = new TcpTransportProvider(group);
    }

    @Override
    public CompletableFuture<Server> listen(Endpoint endpoint, ProtocolFactory factory) {
        return provider.listen(endpoint, factory);
    }

    @Override
    public CompletableFuture<StreamTransport> connect(InetSocketAddress address, Endpoint endpoint, Protocol protocol) {
        return provider.connect(address, endpoint, protocol);
    }
}
