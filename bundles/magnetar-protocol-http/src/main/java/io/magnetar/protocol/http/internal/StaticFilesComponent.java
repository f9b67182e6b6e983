package io.magnetar.protocol.http.internal;

import io.magnetar.protocol.http.HttpHandler;
import io.magnetar.protocol.http.HttpWhiteboard;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A directory served over HTTP, one per factory configuration {@code io.magnetar.http.static}
 * ({@code etc/io.magnetar.http.static-NAME.cfg}): registers a {@link StaticFiles} handler on the
 * whiteboard for {@code path}. A configuration naming a missing directory is logged and serves nothing.
 * Thread-safe (DS serialises activate and deactivate).
 */
@Component(
        configurationPid = StaticFilesComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = StaticFilesComponent.Config.class, factory = true)
public final class StaticFilesComponent {

    static final String PID = "io.magnetar.http.static";
    private static final System.Logger LOG = System.getLogger(StaticFilesComponent.class.getName());

    @ObjectClassDefinition(name = "Magnetar static files", description = "A directory served on http endpoints")
    @interface Config {
        @AttributeDefinition(description = "Route, a prefix such as /assets/* (or /* for everything)")
        String path() default "/static/*";

        @AttributeDefinition(description = "The directory served")
        String directory();

        @AttributeDefinition(description = "Names of the http endpoints that serve it; empty: all", required = false)
        String[] endpoint() default {};

        @AttributeDefinition(description = "Cache-Control of every response; empty: none", required = false)
        String cacheControl() default "";

        @AttributeDefinition(description = "File served for a directory")
        String index() default "index.html";

        @AttributeDefinition(description = "service.ranking of the route", required = false)
        int ranking() default 0;
    }

    private ServiceRegistration<HttpHandler> registration;

    @Activate
    void activate(BundleContext context, Config config) {
        String pattern = config.path().trim();
        StaticFiles files;
        try {
            files = new StaticFiles(pattern, Path.of(config.directory().trim()), config.cacheControl(), config.index());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "static files for {0} not served: {1}", pattern, e.toString());
            return;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(HttpWhiteboard.PATH, pattern);
        props.put(HttpWhiteboard.METHOD, List.of("GET", "HEAD"));
        if (config.endpoint().length > 0) {
            props.put(HttpWhiteboard.ENDPOINT, config.endpoint());
        }
        props.put("service.ranking", config.ranking());
        registration = context.registerService(HttpHandler.class, files, FrameworkUtil.asDictionary(props));
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered with our bundle
            }
            registration = null;
        }
    }
}
