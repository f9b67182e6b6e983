package io.magnetar.tls.internal;

import io.magnetar.api.Endpoint;
import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.api.Server;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.TransportProvider;
import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import io.magnetar.tls.SslTransportProvider;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code magnetar.transport=tls} service: TLS over the {@code magnetar.transport=tcp} service.
 * Endpoints choose it with {@code transport=tls} and carry their {@code tls.*} properties. Handshake
 * work runs on {@code magnetar-tls-handshake-N} threads, started with the component and stopped with it.
 * Thread-safe.
 */
@Component(
        service = {TransportProvider.class, MetricSource.class},
        property = {
            TransportProvider.TRANSPORT + "=" + SslTransportProvider.NAME,
            MetricSource.JMX_TYPE + "=Tls",
            MetricSource.JMX_NAME + "=handshakes"
        })
public final class TlsTransportComponent implements TransportProvider, MetricSource {

    /** The plain transport TLS runs over; a static reference, so a new TCP service restarts this one. */
    @Reference(target = "(" + TransportProvider.TRANSPORT + "=tcp)")
    TransportProvider plain;

    private HandshakeWorkers workers;
    private SslTransportProvider provider;

    @Activate
    void activate() {
        workers = new HandshakeWorkers("magnetar-tls-handshake");
        provider = new SslTransportProvider(plain, workers);
    }

    /** Queued handshake work still runs; connections still handshaking then do the rest on their loops. */
    @Deactivate
    void deactivate() {
        workers.shutdown();
    }

    /** Handshakes completed and failed, labelled {@code result}. */
    @Override
    public void collect(MetricWriter out) {
        HandshakeCounters.collect(out);
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
