package io.magnetar.assembly.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The services of one kind an endpoint has been given, with the property that names them
 * ({@code magnetar.transport} or {@code magnetar.protocol}); picks the best match by service ranking,
 * then by lowest service id, as the framework does. Thread-safe.
 *
 * @param <S> the service type
 */
final class ServiceSet<S> {

    /** One bound service and what identifies it. Immutable. */
    record Entry<S>(long id, int ranking, String name, S service) {}

    private final String nameProperty;
    private final Map<Long, Entry<S>> byId = new ConcurrentSkipListMap<>();

    ServiceSet(String nameProperty) {
        this.nameProperty = nameProperty;
    }

    void add(S service, Map<String, ?> properties) {
        long id = ((Number) properties.get("service.id")).longValue();
        Object rank = properties.get("service.ranking");
        int ranking = rank instanceof Integer r ? r : 0;
        Object name = properties.get(nameProperty);
        byId.put(id, new Entry<>(id, ranking, name == null ? "" : name.toString(), service));
    }

    void remove(Map<String, ?> properties) {
        byId.remove(((Number) properties.get("service.id")).longValue());
    }

    /** The best service named {@code name}, or {@code null}. */
    Entry<S> best(String name) {
        Entry<S> best = null;
        for (Entry<S> e : byId.values()) {
            if (e.name().equals(name) && (best == null || e.ranking() > best.ranking())) {
                best = e;
            }
        }
        return best;
    }
}
