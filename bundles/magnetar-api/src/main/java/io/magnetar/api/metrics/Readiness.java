package io.magnetar.api.metrics;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Something that can make the server not ready to take traffic, registered as a service: while any
 * registered {@code Readiness} names something, {@code GET /health/ready} is 503 and names it.
 *
 * <p>{@link #notReady} is called from any thread and must not block.
 */
@ConsumerType
public interface Readiness {

    /**
     * Service property on a service of any type: {@code true} while the process drains before it stops
     * (the launcher registers one on SIGTERM), so readiness fails before the endpoints close.
     */
    String DRAINING = "magnetar.draining";

    /** One line for each thing not ready, naming it and why; empty when ready. */
    List<String> notReady();
}
