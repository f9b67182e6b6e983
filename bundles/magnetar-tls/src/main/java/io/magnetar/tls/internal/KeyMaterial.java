package io.magnetar.tls.internal;

import static io.magnetar.tls.internal.KeyProperties.CERTIFICATE;
import static io.magnetar.tls.internal.KeyProperties.KEY_PASSWORD;
import static io.magnetar.tls.internal.KeyProperties.KEY_STORE;
import static io.magnetar.tls.internal.KeyProperties.KEY_STORE_PASSWORD;
import static io.magnetar.tls.internal.KeyProperties.KEY_STORE_TYPE;
import static io.magnetar.tls.internal.KeyProperties.PRIVATE_KEY;
import static io.magnetar.tls.internal.KeyProperties.TRUST_CERTIFICATES;
import static io.magnetar.tls.internal.KeyProperties.TRUST_STORE;
import static io.magnetar.tls.internal.KeyProperties.TRUST_STORE_PASSWORD;
import static io.magnetar.tls.internal.KeyProperties.TRUST_STORE_TYPE;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads the key and trust managers named by the {@code tls.*} properties, from key stores or PEM
 * files, with errors that name the property, the file and what is wrong. Stateless.
 *
 * <p>Private keys are unlocked once, here, and handed to the key manager in an in-memory store whose
 * entries cost nothing to unlock. The JDK's PKIX key manager names the key it picks afresh for every
 * handshake (a counter in the alias) and caches keys under that name, so it unlocks the key from its
 * store on every handshake: from a PKCS12 file (PBKDF2, 10,000 iterations) that is 30 to 100 ms of
 * CPU per handshake, run on the connection's event loop unless the handshake work is offloaded.
 */
public final class KeyMaterial {

    private static final String DEFAULT_STORE_TYPE = "PKCS12";
    /** Protects keys inside the in-memory key store only; never stored anywhere. */
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();
    /**
     * The in-memory store's key protection: one PBKDF2 iteration, because unlocking happens on every
     * handshake and the key is in this process's memory anyway (the files keep their own protection).
     */
    private static final String IN_MEMORY_PROTECTION = "PBEWithHmacSHA256AndAES_256";

    private KeyMaterial() {}

    /** The key managers, or {@code null} when no key material is configured. */
    public static KeyManager[] keyManagers(PropertyReader p) {
        return keyManagers(p, "PKIX");
    }

    /**
     * The key managers of {@code algorithm} ({@code PKIX}: picks among keys by the SNI name the client sent and
     * checks the handshake's algorithm constraints; {@code SunX509}: by key type only, which engines of other
     * providers need, since the PKIX one finds no key for their handshake sessions), or {@code null} when no key
     * material is configured.
     */
    public static KeyManager[] keyManagers(PropertyReader p, String algorithm) {
        Path store = p.file(KEY_STORE);
        Path certificate = p.file(CERTIFICATE);
        Path privateKey = p.file(PRIVATE_KEY);
        if (store != null && (certificate != null || privateKey != null)) {
            throw new IllegalArgumentException(
                    "set either " + KEY_STORE + " or " + CERTIFICATE + " + " + PRIVATE_KEY + ", not both");
        }
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException(CERTIFICATE + " and " + PRIVATE_KEY + " go together; only "
                    + (certificate != null ? CERTIFICATE : PRIVATE_KEY) + " is set");
        }
        KeyStore keys;
        String what;
        if (store != null) {
            char[] storePassword = p.password(KEY_STORE_PASSWORD);
            KeyStore file = load(KEY_STORE, store, p.string(KEY_STORE_TYPE), storePassword);
            char[] keyPassword = p.password(KEY_PASSWORD) != null ? p.password(KEY_PASSWORD) : storePassword;
            what = KEY_STORE + " " + store;
            keys = unlocked(file, keyPassword, what);
        } else if (certificate != null) {
            keys = fromPem(certificate, privateKey);
            what = CERTIFICATE + " " + certificate;
        } else {
            return null;
        }
        try {
            // With one key there is nothing to choose by SNI: SunX509's manager hands out the key it read once,
            // where PKIX's reads it from the store and checks its chain against the handshake's constraints on
            // every handshake (~0.1 ms of the ~2 ms a full TLS 1.3 handshake costs the server).
            String chosen = "PKIX".equals(algorithm) && keyEntries(keys) == 1 ? "SunX509" : algorithm;
            KeyManagerFactory factory = KeyManagerFactory.getInstance(chosen);
            factory.init(keys, IN_MEMORY_PASSWORD);
            return factory.getKeyManagers();
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(
                    what + ": the key password (" + KEY_PASSWORD + ", else " + KEY_STORE_PASSWORD
                            + ") does not unlock the private key: " + e.getMessage(),
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": cannot use the key material: " + e.getMessage(), e);
        }
    }

    private static int keyEntries(KeyStore keys) throws KeyStoreException {
        int n = 0;
        for (String alias : java.util.Collections.list(keys.aliases())) {
            if (keys.isKeyEntry(alias)) {
                n++;
            }
        }
        return n;
    }

    /** The trust managers, or {@code null} for the JDK's default trust (the {@code cacerts} file). */
    public static TrustManager[] trustManagers(PropertyReader p) {
        Path store = p.file(TRUST_STORE);
        Path certificates = p.file(TRUST_CERTIFICATES);
        if (store != null && certificates != null) {
            throw new IllegalArgumentException(
                    "set either " + TRUST_STORE + " or " + TRUST_CERTIFICATES + ", not both");
        }
        KeyStore trusted;
        String what;
        if (store != null) {
            trusted = load(TRUST_STORE, store, p.string(TRUST_STORE_TYPE), p.password(TRUST_STORE_PASSWORD));
            what = TRUST_STORE + " " + store;
        } else if (certificates != null) {
            trusted = fromPem(TRUST_CERTIFICATES, certificates);
            what = TRUST_CERTIFICATES + " " + certificates;
        } else {
            return null;
        }
        try {
            if (trusted.size() == 0) {
                // A PKCS12 store read without its password shows no (encrypted) certificates at all.
                throw new IllegalArgumentException(
                        what + " holds no certificates (wrong or missing " + TRUST_STORE_PASSWORD + "?)");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": cannot use the trusted certificates: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String key, Path file, String type, char[] password) {
        String storeType = type == null ? DEFAULT_STORE_TYPE : type;
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(storeType);
            store.load(in, password);
            return store;
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException(key + ": no such file " + file, e);
        } catch (IOException e) {
            String reason = e.getCause() instanceof UnrecoverableKeyException
                    ? "wrong password (" + key + "Password)"
                    : e.getMessage();
            throw new IllegalArgumentException(key + ": cannot read " + file + " as " + storeType + ": " + reason, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    key + ": cannot read " + file + " as " + storeType + ": " + e.getMessage(), e);
        }
    }

    /**
     * The private keys of {@code file}, unlocked with {@code password}, with their certificate chains,
     * in an in-memory store (see the class comment). Fails unless there is a private key and the
     * password unlocks every one: a locked key would otherwise be skipped silently, failing
     * handshakes much later.
     */
    private static KeyStore unlocked(KeyStore file, char[] password, String what) {
        KeyStore keys = inMemoryStore();
        try {
            for (String alias : Collections.list(file.aliases())) {
                Certificate[] chain = file.getCertificateChain(alias);
                // A key without certificates is of no use to TLS: the PKIX key manager skips it too.
                if (file.isKeyEntry(alias)
                        && chain != null
                        && chain.length > 0
                        && file.getKey(alias, password == null ? new char[0] : password) instanceof PrivateKey key) {
                    putKey(keys, alias, key, chain);
                }
            }
            if (keys.size() > 0) {
                return keys;
            }
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(
                    what + ": the key password (" + KEY_PASSWORD + ", else " + KEY_STORE_PASSWORD
                            + ") does not unlock the private key",
                    e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // IllegalArgumentException: a key that does not fit the first certificate of its chain
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(what + " holds no private key entry, only certificates");
    }

    private static KeyStore inMemoryStore() {
        try {
            KeyStore store = KeyStore.getInstance(DEFAULT_STORE_TYPE);
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an empty " + DEFAULT_STORE_TYPE + " key store", e);
        }
    }

    /** Adds {@code key} to an in-memory store, protected with a single PBKDF2 iteration. */
    private static void putKey(KeyStore store, String alias, PrivateKey key, Certificate[] chain)
            throws GeneralSecurityException {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        store.setEntry(
                alias,
                new KeyStore.PrivateKeyEntry(key, chain),
                new KeyStore.PasswordProtection(
                        IN_MEMORY_PASSWORD, IN_MEMORY_PROTECTION, new PBEParameterSpec(salt, 1)));
    }

    private static KeyStore fromPem(Path certificate, Path privateKey) {
        List<X509Certificate> chain = readCertificates(CERTIFICATE, certificate);
        PrivateKey key;
        try {
            key = Pem.privateKey(privateKey);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(PRIVATE_KEY + ": cannot read " + privateKey + ": " + e.getMessage(), e);
        }
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException(PRIVATE_KEY + " " + privateKey
                    + " is not the key of the first certificate in " + CERTIFICATE + " " + certificate);
        }
        try {
            KeyStore store = inMemoryStore();
            putKey(store, "key", key, chain.toArray(new X509Certificate[0]));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    PRIVATE_KEY + " " + privateKey + " does not fit " + CERTIFICATE + " " + certificate + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Signs a probe and verifies it with the certificate's key: a mismatch would otherwise only show up
     * as a handshake failure on the first connection.
     */
    private static boolean belongTogether(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // no probe for this algorithm: the handshake will tell
        }
        try {
            byte[] probe = "magnetar key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyStore fromPem(String key, Path certificates) {
        List<X509Certificate> list = readCertificates(key, certificates);
        try {
            KeyStore store = KeyStore.getInstance(DEFAULT_STORE_TYPE);
            store.load(null, null);
            for (int i = 0; i < list.size(); i++) {
                store.setCertificateEntry("trusted-" + i, list.get(i));
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(key + " " + certificates + ": " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> readCertificates(String key, Path file) {
        try {
            return Pem.certificates(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    key + ": cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }
}
