package io.magnetar.assembly.internal;

/** Where an endpoint is in its life: {@code WAITING → STARTING → SERVING → STOPPING → WAITING}, or FAILED. */
enum EndpointState {
    /** A transport or protocol service it names is missing. */
    WAITING,
    STARTING,
    SERVING,
    /** Draining its connections after a service left or the configuration changed. */
    STOPPING,
    /** Binding failed (port in use, bad address); retried when a service or the configuration changes. */
    FAILED
}
