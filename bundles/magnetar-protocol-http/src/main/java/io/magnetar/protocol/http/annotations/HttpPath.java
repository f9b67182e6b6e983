package io.magnetar.protocol.http.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * {@code magnetar.http.path} of a handler component: {@code @HttpPath("/hello")}, {@code @HttpPath("/api/*")}.
 * See {@link io.magnetar.protocol.http.HttpWhiteboard#PATH}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HttpPath {
    String PREFIX_ = "magnetar.";

    /** One or more paths. */
    String[] value();
}
