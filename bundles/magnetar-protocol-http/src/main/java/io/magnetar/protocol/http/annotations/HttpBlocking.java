package io.magnetar.protocol.http.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Marks a handler component that may block: {@code magnetar.http.blocking=true}.
 * See {@link io.magnetar.protocol.http.HttpWhiteboard#BLOCKING}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HttpBlocking {
    String PREFIX_ = "magnetar.";
}
