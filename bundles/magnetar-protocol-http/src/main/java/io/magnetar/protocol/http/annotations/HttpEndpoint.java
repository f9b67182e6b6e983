package io.magnetar.protocol.http.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * {@code magnetar.endpoint} of a handler component: the endpoints it serves,
 * {@code @HttpEndpoint(endpoint = "web")}. See {@link io.magnetar.protocol.http.HttpWhiteboard#ENDPOINT}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HttpEndpoint {
    String PREFIX_ = "magnetar.";

    /** Endpoint names. */
    String[] endpoint();
}
