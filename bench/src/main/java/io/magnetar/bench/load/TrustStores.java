package io.magnetar.bench.load;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** TLS client contexts for the load generators and the soak, trusting a PKCS12 store. Thread-safe. */
public final class TrustStores {

    private TrustStores() {}

    /** Trust managers for the certificates in the PKCS12 {@code store}. */
    public static TrustManager[] trustManagers(Path store, String password) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    /** A new client context (with its own session cache) trusting {@code trust}. */
    public static SSLContext clientContext(TrustManager[] trust) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust, null);
        return context;
    }
}
