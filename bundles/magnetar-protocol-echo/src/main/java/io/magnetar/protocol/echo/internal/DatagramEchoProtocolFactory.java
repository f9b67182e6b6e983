package io.magnetar.protocol.echo.internal;

import io.magnetar.api.DatagramProtocol;
import io.magnetar.api.DatagramProtocolFactory;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.protocol.echo.DatagramEchoProtocol;
import org.osgi.service.component.annotations.Component;

/**
 * The datagram flavour of {@code magnetar.protocol=echo}: one {@link DatagramEchoProtocol} per bound
 * socket. Thread-safe.
 */
@Component(service = DatagramProtocolFactory.class, property = ProtocolFactory.PROTOCOL + "=echo")
public final class DatagramEchoProtocolFactory implements DatagramProtocolFactory {

    @Override
    public DatagramProtocol newProtocol() {
        return new DatagramEchoProtocol();
    }
}
