package io.magnetar.udp.internal;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramTransport;
import io.magnetar.api.Endpoint;
import io.magnetar.api.EventLoopGroup;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import io.magnetar.udp.UdpTransportProvider;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code magnetar.transport=udp} service on the shared event loop group. Thread-safe. */
@Component(property = TransportProvider.TRANSPORT + "=" + UdpTransportProvider.NAME)
public final class UdpTransportComponent implements TransportProvider {

    @Reference
    EventLoopGroup group;

    private UdpTransportProvider provider;

    @Activate
    void activate() {
        provider = new UdpTransportProvider(group);
    }

    @Override
    public CompletableFuture<Server> listen(Endpoint endpoint, ProtocolFactory factory) {
        return provider.listen(endpoint, factory);
    }

    @Override
    public CompletableFuture<StreamTransport> connect(InetSocketAddress address, Endpoint endpoint, Protocol protocol) {
        return provider.connect(address, endpoint, protocol);
    }

    @Override
    public CompletableFuture<DatagramTransport> bindDatagram(Endpoint local, DatagramProtocol protocol) {
        return provider.bindDatagram(local, protocol);
    }

    @Override
    public CompletableFuture<DatagramTransport> connectDatagram(
            InetSocketAddress remote, Endpoint local, DatagramProtocol protocol) {
        return provider.connectDatagram(remote, local, protocol);
    }
}
