package io.magnetar.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocols.testing.IsolatedClasses;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A loop thread that borrowed the TLS buffers must not keep an updated bundle's class loader. */
class ThreadBuffersClassLoaderTest {

    @Test
    void aThreadThatBorrowedTheBuffersDoesNotKeepTheClassLoader() throws Exception {
        boolean collected = IsolatedClasses.collectedAfterUse("io.magnetar.tls.internal", classes -> {
            Class<?> c = classes.loadClass(ThreadBuffers.class.getName());
            Method lend = c.getDeclaredMethod("lendApp", int.class);
            Method give = c.getDeclaredMethod("returnApp", ByteBuffer.class);
            lend.setAccessible(true);
            give.setAccessible(true);
            give.invoke(null, lend.invoke(null, 1024));
        });

        assertThat(collected)
                .as("class loader collected while the thread lives")
                .isTrue();
    }
}
