package io.magnetar.websocket.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/** {@code magnetar.websocket.path} of a {@code WebSocketHandler} component: {@code @WebSocketPath("/chat")}. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface WebSocketPath {
    String PREFIX_ = "magnetar.";

    /** One or more paths. */
    String[] value();
}
