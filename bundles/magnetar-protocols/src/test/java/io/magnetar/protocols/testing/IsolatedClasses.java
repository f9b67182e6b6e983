package io.magnetar.protocols.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Classes of one package loaded again by a class loader of their own, as an updated bundle's are, so a test
 * can check that a long-lived thread (an event loop that outlives the update) does not keep that loader.
 * Everything outside the package comes from the test's own class loader.
 */
public final class IsolatedClasses extends ClassLoader {

    private static final Duration COLLECTED_WITHIN = Duration.ofSeconds(20);

    private final String packagePrefix;

    public IsolatedClasses(String packageName) {
        super(IsolatedClasses.class.getClassLoader());
        this.packagePrefix = packageName + ".";
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            if (!name.startsWith(packagePrefix)) {
                return super.loadClass(name, resolve);
            }
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = getParent().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    c = defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /**
     * Runs {@code use} (given a fresh loader for {@code packageName}) on a thread of its own that stays alive, as
     * an event loop outlives a bundle update, drops the loader, and returns whether it was collected within
     * 20 s while that thread still lives.
     */
    public static boolean collectedAfterUse(String packageName, UseOf use) throws Exception {
        ExecutorService loopThread = Executors.newSingleThreadExecutor();
        try {
            WeakReference<ClassLoader> loader = loopThread
                    .submit((Callable<WeakReference<ClassLoader>>) () -> {
                        IsolatedClasses classes = new IsolatedClasses(packageName);
                        use.run(classes);
                        return new WeakReference<>(classes);
                    })
                    .get();
            long deadline = System.nanoTime() + COLLECTED_WITHIN.toNanos();
            while (loader.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.onSpinWait();
            }
            return loader.get() == null;
        } finally {
            loopThread.shutdownNow();
        }
    }

    /** What a test does with the classes of the fresh loader. */
    @FunctionalInterface
    public interface UseOf {
        void run(ClassLoader classes) throws Exception;
    }
}
