package io.magnetar.tls.internal;

/**
 * The names of the key and trust properties, defined here so that {@link KeyMaterial} needs nothing of
 * the exported {@code TlsSettings}, which publishes them as its own constants. Immutable (constants only).
 */
public final class KeyProperties {

    public static final String KEY_STORE = "tls.keyStore";
    public static final String KEY_STORE_PASSWORD = "tls.keyStorePassword";
    public static final String KEY_STORE_TYPE = "tls.keyStoreType";
    public static final String KEY_PASSWORD = "tls.keyPassword";
    public static final String TRUST_STORE = "tls.trustStore";
    public static final String TRUST_STORE_PASSWORD = "tls.trustStorePassword";
    public static final String TRUST_STORE_TYPE = "tls.trustStoreType";
    public static final String CERTIFICATE = "tls.certificate";
    public static final String PRIVATE_KEY = "tls.privateKey";
    public static final String TRUST_CERTIFICATES = "tls.trustCertificates";

    private KeyProperties() {}
}
