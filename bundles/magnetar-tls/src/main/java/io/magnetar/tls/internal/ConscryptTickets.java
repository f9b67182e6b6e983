package io.magnetar.tls.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javax.net.ssl.SSLEngine;

/**
 * Turns TLS 1.3 session tickets on for a Conscrypt server engine (Conscrypt leaves them off, so its clients
 * could never resume). Reached by reflection through the engine's own class loader: this bundle does not
 * depend on Conscrypt, which is an optional feature.
 *
 * <p>Thread-safe: the method handle is looked up once per engine class.
 */
public final class ConscryptTickets {

    private static final ClassValue<MethodHandle> SETTER = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> engineClass) {
            try {
                Class<?> conscrypt = Class.forName("org.conscrypt.Conscrypt", true, engineClass.getClassLoader());
                return MethodHandles.publicLookup()
                        .findStatic(
                                conscrypt,
                                "setUseSessionTickets",
                                MethodType.methodType(void.class, SSLEngine.class, boolean.class));
            } catch (ReflectiveOperationException | LinkageError notThere) {
                return null;
            }
        }
    };

    private ConscryptTickets() {}

    /** Enables session tickets when {@code engine} is Conscrypt's; does nothing for any other engine. */
    public static void enable(SSLEngine engine) {
        Class<? extends SSLEngine> type = engine.getClass();
        if (!type.getName().startsWith("org.conscrypt.")) {
            return;
        }
        MethodHandle setter = SETTER.get(type);
        if (setter == null) {
            return;
        }
        try {
            setter.invokeExact(engine, true);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot turn Conscrypt's session tickets on: " + e, e);
        }
    }
}
