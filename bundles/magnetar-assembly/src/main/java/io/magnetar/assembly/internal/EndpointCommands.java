package io.magnetar.assembly.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Gogo commands {@code magnetar:endpoints} and {@code magnetar:info <endpoint>}. Thread-safe.
 */
@Component(
        service = EndpointCommands.class,
        property = {"osgi.command.scope=magnetar", "osgi.command.function=endpoints", "osgi.command.function=info"})
public final class EndpointCommands {

    private final List<EndpointStatus> endpoints = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindEndpoint(EndpointStatus endpoint) {
        endpoints.add(endpoint);
    }

    void unbindEndpoint(EndpointStatus endpoint) {
        endpoints.remove(endpoint);
    }

    /** One line per endpoint: name, transport, protocol, address, state, connections, requests. */
    public String endpoints() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "TRANSPORT", "PROTOCOL", "ADDRESS", "STATE", "CONNECTIONS", "REQUESTS", "REASON"
        });
        List<EndpointStatus> sorted = new ArrayList<>(endpoints);
        sorted.sort(Comparator.comparing(EndpointStatus::name));
        for (EndpointStatus e : sorted) {
            rows.add(new String[] {
                e.name(),
                e.transport(),
                e.protocol(),
                e.address(),
                e.state().name(),
                Integer.toString(e.connections()),
                Long.toString(e.requests()),
                e.reason()
            });
        }
        return table(rows);
    }

    /** Everything known about one endpoint. */
    public String info(String name) {
        for (EndpointStatus e : endpoints) {
            if (e.name().equals(name)) {
                StringBuilder out = new StringBuilder();
                print(out, e.info(), "");
                return out.toString();
            }
        }
        return "no endpoint named '" + name + "'";
    }

    private static void print(StringBuilder out, Map<?, ?> map, String indent) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (entry.getValue() instanceof Map<?, ?> nested) {
                out.append(indent).append(entry.getKey()).append(":\n");
                print(out, nested, indent + "  ");
            } else {
                out.append(indent)
                        .append(entry.getKey())
                        .append(": ")
                        .append(entry.getValue())
                        .append('\n');
            }
        }
    }

    private static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                out.append(String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            out.setLength(out.length() - 2);
            out.append('\n');
        }
        return out.toString();
    }
}
