package io.magnetar.assembly.internal;

import java.util.Map;

/**
 * What the shell commands read of an endpoint; registered by every endpoint component, serving or not.
 * Implementations are thread-safe.
 */
public interface EndpointStatus {

    String name();

    String transport();

    String protocol();

    EndpointState state();

    /** Why the endpoint is waiting or failed; empty when serving. */
    String reason();

    /** The bound address when serving, else the configured one. */
    String address();

    int connections();

    long requests();

    /** Configuration, state and the server's {@code info()}. */
    Map<String, Object> info();
}
