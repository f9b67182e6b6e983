package io.magnetar.protocol.http.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * {@code magnetar.http.method} of a handler component: {@code @HttpMethod({"GET", "POST"})}.
 * See {@link io.magnetar.protocol.http.HttpWhiteboard#METHOD}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HttpMethod {
    String PREFIX_ = "magnetar.";

    /** One or more methods, case-sensitive ({@code GET}). */
    String[] value();
}
