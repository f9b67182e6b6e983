package io.magnetar.protocol.http.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocol.http.HttpServerConsumer;
import io.magnetar.protocol.http.Router;
import java.time.Duration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code magnetar.protocol=http} service: one HTTP/1.1 connection per accepted socket, answering
 * with {@link Router#defaults()} ({@code GET /plaintext}, {@code GET /}) within the configured limits
 * (PID {@code io.magnetar.protocol.http}; a change applies to new connections). Thread-safe.
 */
@Component(configurationPid = HttpProtocolFactory.PID, property = ProtocolFactory.PROTOCOL + "=http")
@Designate(ocd = HttpProtocolFactory.Config.class)
public final class HttpProtocolFactory implements ProtocolFactory {

    static final String PID = "io.magnetar.protocol.http";

    @ObjectClassDefinition(name = "Magnetar HTTP/1.1 server limits")
    @interface Config {
        @AttributeDefinition(description = "Longest request line with its CRLF, in bytes; longer is a 414")
        int maxRequestLine() default HttpLimits.DEFAULT_MAX_REQUEST_LINE;

        @AttributeDefinition(description = "Largest header section, in bytes; larger is a 431")
        int maxHeaderBytes() default HttpLimits.DEFAULT_MAX_HEADER_BYTES;

        @AttributeDefinition(description = "Most header fields; more is a 431")
        int maxHeaderCount() default HttpLimits.DEFAULT_MAX_HEADER_COUNT;

        @AttributeDefinition(description = "Largest request body, in bytes; larger is a 413")
        int maxBody() default HttpLimits.DEFAULT_MAX_BODY;

        @AttributeDefinition(description = "Milliseconds a request head may take to arrive; slower is closed")
        long headerTimeoutMillis() default 10_000;
    }

    private final Router router = Router.defaults();
    private volatile HttpLimits limits = HttpLimits.defaults();

    @Activate
    @Modified
    void configure(Config config) {
        limits = HttpLimits.builder().maxRequestLine(config.maxRequestLine()).maxHeaderBytes(config.maxHeaderBytes())
                .maxHeaderCount(config.maxHeaderCount()).maxBody(config.maxBody())
                .headerTimeout(Duration.ofMillis(config.headerTimeoutMillis())).build();
    }

    /** The limits new connections get. */
    public HttpLimits limits() {
        return limits;
    }

    @Override
    public Protocol newProtocol() {
        return HttpServerConsumer.newConnection(router, limits);
    }
}
