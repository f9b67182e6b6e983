package io.magnetar.protocols.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocols.testing.IsolatedClasses;
import org.junit.jupiter.api.Test;

/** A loop thread that used the shared output buffers must not keep an updated bundle's class loader. */
class PendingOutputClassLoaderTest {

    @Test
    void aThreadThatBorrowedTheSharedBuffersDoesNotKeepTheClassLoader() throws Exception {
        boolean collected = IsolatedClasses.collectedAfterUse("io.magnetar.protocols.codec", classes -> {
            Class<?> c = classes.loadClass(PendingOutput.class.getName());
            Object output = c.getConstructor().newInstance();
            c.getMethod("reserve", int.class).invoke(output, 16);
            c.getMethod("release").invoke(output);
        });

        assertThat(collected)
                .as("class loader collected while the thread lives")
                .isTrue();
    }
}
