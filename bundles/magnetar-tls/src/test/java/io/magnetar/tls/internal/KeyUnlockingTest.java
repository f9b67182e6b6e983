package io.magnetar.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.tls.TestPki;
import io.magnetar.tls.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.KeyStoreSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.util.Date;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server's private key is unlocked from its key store once, when the settings are read, not on
 * every handshake: unlocking a PKCS12 key is PBKDF2 with 10,000 iterations, tens of milliseconds of
 * CPU, and the JDK's PKIX key manager would do it for each handshake (it caches keys under a name it
 * makes afresh per handshake). Counted, not timed: a key store that counts how often its key is read.
 */
class KeyUnlockingTest {

    private static final String PROVIDER = "MagnetarCountingKeyStore";

    @BeforeAll
    static void registerCountingKeyStore() {
        Security.addProvider(new Provider(PROVIDER, "1", "PKCS12 that counts key reads (tests only)") {
            {
                put("KeyStore." + CountingKeyStore.TYPE, CountingKeyStore.class.getName());
            }
        });
    }

    @AfterAll
    static void unregister() {
        Security.removeProvider(PROVIDER);
    }

    @Test
    void handshakesDoNotUnlockTheKeyFromItsStoreAgain() throws Exception {
        Map<String, Object> server = TestPki.get().serverProperties(TestPki.get().serverKeys);
        server.put(TlsSettings.KEY_STORE_TYPE, CountingKeyStore.TYPE);
        TlsSettings serverSettings = TlsSettings.from(server);
        int readsToCheckTheStore = CountingKeyStore.KEY_READS.get();

        for (int i = 0; i < 3; i++) {
            // A client context of its own each time: full handshakes, no session resumption.
            TlsSettings client = TlsSettings.from(TestPki.get().clientProperties());
            PipePair pair = new PipePair(
                            client.newClientEngine(InetSocketAddress.createUnresolved("localhost", 443)),
                            serverSettings.newServerEngine())
                    .handshake();
            assertThat(pair.server.handshakes).isEqualTo(1);
            assertThat(pair.server.pipe.session().getLocalCertificates())
                    .as("the server proved its key")
                    .isNotEmpty();
        }

        assertThat(readsToCheckTheStore)
                .as("key reads while reading the settings")
                .isPositive();
        assertThat(CountingKeyStore.KEY_READS.get())
                .as("key reads after three handshakes")
                .isEqualTo(readsToCheckTheStore);
    }

    /** PKCS12, counting {@code getKey} (which {@code getEntry} uses too). Registered by the test. */
    public static final class CountingKeyStore extends KeyStoreSpi {
        static final String TYPE = "CountingPKCS12";
        static final AtomicInteger KEY_READS = new AtomicInteger();
        private final KeyStore store;

        public CountingKeyStore() throws KeyStoreException {
            store = KeyStore.getInstance("PKCS12");
        }

        @Override
        public Key engineGetKey(String alias, char[] password)
                throws NoSuchAlgorithmException, UnrecoverableKeyException {
            KEY_READS.incrementAndGet();
            try {
                return store.getKey(alias, password);
            } catch (KeyStoreException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Certificate[] engineGetCertificateChain(String alias) {
            return call(() -> store.getCertificateChain(alias));
        }

        @Override
        public Certificate engineGetCertificate(String alias) {
            return call(() -> store.getCertificate(alias));
        }

        @Override
        public Date engineGetCreationDate(String alias) {
            return call(() -> store.getCreationDate(alias));
        }

        @Override
        public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void engineSetCertificateEntry(String alias, Certificate cert) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void engineDeleteEntry(String alias) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public Enumeration<String> engineAliases() {
            return call(store::aliases);
        }

        @Override
        public boolean engineContainsAlias(String alias) {
            return call(() -> store.containsAlias(alias));
        }

        @Override
        public int engineSize() {
            return call(store::size);
        }

        @Override
        public boolean engineIsKeyEntry(String alias) {
            return call(() -> store.isKeyEntry(alias));
        }

        @Override
        public boolean engineIsCertificateEntry(String alias) {
            return call(() -> store.isCertificateEntry(alias));
        }

        @Override
        public String engineGetCertificateAlias(Certificate cert) {
            return call(() -> store.getCertificateAlias(cert));
        }

        @Override
        public void engineStore(OutputStream stream, char[] password) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public void engineLoad(InputStream stream, char[] password)
                throws IOException, NoSuchAlgorithmException, CertificateException {
            store.load(stream, password);
        }

        private interface StoreCall<T> {
            T call() throws GeneralSecurityException;
        }

        private static <T> T call(StoreCall<T> call) {
            try {
                return call.call();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
