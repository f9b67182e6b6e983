package ${package};

import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.protocols.codec.LineProtocol;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** The ${protocol} protocol, for endpoint files that say {@code protocol = ${protocol}}. Thread-safe (stateless). */
@Component(property = ProtocolFactory.PROTOCOL + "=${protocol}")
public class LineProtocolFactory implements ProtocolFactory {

    /** One protocol per connection, confined to that connection's event loop: each line, upper-cased. */
    @Override
    public Protocol newProtocol() {
        return new LineProtocol() {
            @Override
            protected void onMessage(String line) {
                send(line.toUpperCase(Locale.ROOT));
            }
        };
    }
}
