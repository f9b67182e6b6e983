package io.magnetar.protocol.http.internal;

import io.magnetar.api.ProtocolFactory;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo command {@code magnetar:routes}: the handler whiteboard as a table. Thread-safe. */
@Component(
        service = RouteCommands.class,
        property = {"osgi.command.scope=magnetar", "osgi.command.function=routes"})
public final class RouteCommands {

    @Reference(target = "(" + ProtocolFactory.PROTOCOL + "=http)")
    ProtocolFactory http;

    /** Path, methods, endpoints, bundle, ranking, blocking, and what is shadowed or refused. */
    public String routes() {
        if (!(http instanceof HttpProtocolFactory factory)) {
            return "the http protocol service is not this bundle's";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PATH", "METHODS", "ENDPOINTS", "BUNDLE", "SERVICE", "RANKING", "BLOCKING", "STATE"});
        rows.add(new String[] {"/plaintext", "[GET]", "all", "built-in", "-", "-", "false", "default"});
        rows.add(new String[] {"/", "[GET]", "all", "built-in", "-", "-", "false", "default"});
        for (HandlerRoutes.RouteInfo r : factory.routes().describe()) {
            String state = r.problem() != null
                    ? "refused: " + r.problem()
                    : r.shadowed().isEmpty() ? "serving" : "shadowed: " + String.join("; ", r.shadowed());
            rows.add(new String[] {
                r.path(),
                r.methods().toString(),
                r.endpoints().isEmpty() ? "all" : String.join(",", r.endpoints()),
                r.bundle(),
                Long.toString(r.serviceId()),
                Integer.toString(r.ranking()),
                Boolean.toString(r.blocking()),
                state
            });
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
