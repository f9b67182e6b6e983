package io.magnetar.assembly.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One endpoint: factory configuration {@code io.magnetar.endpoint}, for instance
 * {@code etc/io.magnetar.endpoint-echo.cfg}. Properties not listed here are passed to the transport
 * ({@code Endpoint.properties()}), for example TLS key store settings.
 */
@ObjectClassDefinition(
        name = "Magnetar endpoint",
        description = "Serves a protocol service over a transport service on a socket address")
@interface EndpointConfig {

    @AttributeDefinition(description = "Name shown by magnetar:endpoints; defaults to the file or PID name")
    String name() default "";

    @AttributeDefinition(description = "Value of magnetar.transport of the transport service (tcp, tls, udp)")
    String transport() default "tcp";

    @AttributeDefinition(
            description = "Value of magnetar.protocol of the protocol service (echo, http, resp); "
                    + "for udp, of the datagram protocol service")
    String protocol();

    @AttributeDefinition(description = "Address to bind: an IPv4 or IPv6 literal or a host name")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "Port to bind; 0 picks a free one")
    int port() default 0;

    @AttributeDefinition(
            description = "Listen backlog; -1 (the default) takes the kernel's net.core.somaxconn, at least 1024")
    int backlog() default -1;

    @AttributeDefinition(
            description = "Concurrent connection limit; -1 (the default) derives it from the process's "
                    + "descriptor limit (three quarters of it, at most 10,000); 0 means none")
    int maxConnections() default -1;

    @AttributeDefinition(description = "Idle timeout in seconds (stream endpoints); 0 means none")
    double keepAlive() default 300;

    @AttributeDefinition(
            description =
                    "udp only: datagrams handled in total before the endpoint stops serving; " + "0 means no limit")
    long maxRequests() default 0;

    @AttributeDefinition(description = "Seconds a stopping endpoint waits for exchanges in progress")
    double closeTimeout() default 10;

    @AttributeDefinition(
            description = "Seconds a stream endpoint keeps its port bound after its protocol service "
                    + "left, for a replacement (a bundle update) to take over without refusing a connection; clients "
                    + "wait in the backlog meanwhile. 0 releases the port at once")
    double protocolGrace() default 3;
}
