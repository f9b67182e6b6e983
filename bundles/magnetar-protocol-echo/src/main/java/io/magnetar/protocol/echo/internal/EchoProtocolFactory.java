package io.magnetar.protocol.echo.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.protocol.echo.EchoServerConsumer;
import org.osgi.service.component.annotations.Component;

/** The {@code magnetar.protocol=echo} service: one echo connection per accepted socket. Thread-safe. */
@Component(property = ProtocolFactory.PROTOCOL + "=echo")
public final class EchoProtocolFactory implements ProtocolFactory {

    @Override
    public Protocol newProtocol() {
        return EchoServerConsumer.newConnection();
    }
}
