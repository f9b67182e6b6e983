package io.magnetar.protocol.http.example;

// README:start
import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpRequest;
import io.magnetar.protocol.http.HttpResponse;
import io.magnetar.protocol.http.annotations.HttpMethod;
import io.magnetar.protocol.http.annotations.HttpPath;
import org.osgi.service.component.annotations.Component;

/** GET /hello?name on every http endpoint; runs on the event loop, so it must not block. */
@Component(service = HttpHandler.class)
@HttpPath("/hello")
@HttpMethod("GET")
public class HelloHandler implements HttpHandler {

    @Override
    public HttpResponse handle(HttpRequest request) {
        String name = request.query() == null ? "world" : request.query();
        return HttpResponse.text("hello " + name + "\n");
    }
}
// README:end
