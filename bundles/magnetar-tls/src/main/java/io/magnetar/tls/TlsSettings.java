package io.magnetar.tls;

import io.magnetar.api.Endpoint;
import io.magnetar.tls.internal.ConscryptTickets;
import io.magnetar.tls.internal.KeyMaterial;
import io.magnetar.tls.internal.KeyProperties;
import io.magnetar.tls.internal.PropertyReader;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The TLS configuration of one endpoint, read from its {@code tls.*} properties
 * ({@link Endpoint#properties()}): key material, trust, client authentication, protocols, cipher
 * suites, ALPN, handshake timeout, and on the client side the server name and host name check.
 * Reading it loads the key and trust stores once and builds the {@link SSLContext}; every error
 * names the property and says what is wrong.
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsSettings {

    /** Every TLS property starts with this; unknown {@code tls.*} keys are rejected (typos). */
    public static final String PREFIX = "tls.";
    /** Path of the key store holding the private key and certificate chain (server; client for mutual auth). */
    public static final String KEY_STORE = KeyProperties.KEY_STORE;
    /** Password of {@link #KEY_STORE}. */
    public static final String KEY_STORE_PASSWORD = KeyProperties.KEY_STORE_PASSWORD;
    /** Type of {@link #KEY_STORE}: {@code PKCS12} (default) or {@code JKS}. */
    public static final String KEY_STORE_TYPE = KeyProperties.KEY_STORE_TYPE;
    /** Password of the key entries, when it differs from {@link #KEY_STORE_PASSWORD}. */
    public static final String KEY_PASSWORD = KeyProperties.KEY_PASSWORD;
    /** Path of the key store holding the trusted certificates; absent means the JDK's {@code cacerts}. */
    public static final String TRUST_STORE = KeyProperties.TRUST_STORE;
    /** Password of {@link #TRUST_STORE}. */
    public static final String TRUST_STORE_PASSWORD = KeyProperties.TRUST_STORE_PASSWORD;
    /** Type of {@link #TRUST_STORE}: {@code PKCS12} (default) or {@code JKS}. */
    public static final String TRUST_STORE_TYPE = KeyProperties.TRUST_STORE_TYPE;
    /** PEM file with the certificate chain, leaf first (instead of {@link #KEY_STORE}). */
    public static final String CERTIFICATE = KeyProperties.CERTIFICATE;
    /** PEM file with the unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of {@link #CERTIFICATE}. */
    public static final String PRIVATE_KEY = KeyProperties.PRIVATE_KEY;
    /** PEM file with the trusted certificates (instead of {@link #TRUST_STORE}). */
    public static final String TRUST_CERTIFICATES = KeyProperties.TRUST_CERTIFICATES;
    /** Server: {@code none} (default), {@code want} or {@code need} a client certificate. */
    public static final String CLIENT_AUTH = "tls.clientAuth";
    /** Comma list of protocol versions; default {@code TLSv1.3,TLSv1.2}. */
    public static final String PROTOCOLS = "tls.protocols";
    /**
     * Comma list of cipher suites; default for a server {@link #DEFAULT_SERVER_CIPHER_SUITES} in that order
     * (the server's order wins), for a client the JDK's.
     */
    public static final String CIPHER_SUITES = "tls.cipherSuites";

    /**
     * Mozilla's "intermediate" server profile: TLS 1.3's AEAD suites, and for TLS 1.2 ECDHE key exchange with
     * AEAD ciphers only: no CBC (Lucky13 and kin), no static RSA key exchange (no forward secrecy).
     *
     * @since 1.1
     */
    public static final List<String> DEFAULT_SERVER_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    /** Comma list of ALPN protocol names, in preference order; default none. */
    public static final String ALPN = "tls.alpn";
    /** Seconds a handshake may take before the connection is closed; default 10. */
    public static final String HANDSHAKE_TIMEOUT = "tls.handshakeTimeout";
    /** Client: the host name sent as SNI and checked against the certificate; default the connect host. */
    public static final String SERVER_NAME = "tls.serverName";
    /** Client: check the server certificate against the host name (default {@code true}). */
    public static final String VERIFY_HOSTNAME = "tls.verifyHostname";
    /**
     * The JSSE provider that makes the engines, by name ({@code SunJSSE}, {@code Conscrypt}, ...): any provider
     * installed in {@link java.security.Security}; default the JDK's first TLS provider. A named provider that
     * is not installed refuses the settings, naming the installed ones.
     *
     * @since 1.2
     */
    public static final String PROVIDER = "tls.provider";

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static {
        // Client-initiated renegotiation (TLS 1.2) is refused anyway (SslPipe closes the connection), but
        // only the JDK's own refusal sends the fatal alert clients and scanners recognise; a close_notify
        // looks like a renegotiation that went through. Read once by the JDK, so set before the first
        // server handshake, and never over a value the user chose.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    private static final Set<String> KNOWN = Set.of(
            KEY_STORE,
            KEY_STORE_PASSWORD,
            KEY_STORE_TYPE,
            KEY_PASSWORD,
            TRUST_STORE,
            TRUST_STORE_PASSWORD,
            TRUST_STORE_TYPE,
            CERTIFICATE,
            PRIVATE_KEY,
            TRUST_CERTIFICATES,
            CLIENT_AUTH,
            PROTOCOLS,
            CIPHER_SUITES,
            ALPN,
            HANDSHAKE_TIMEOUT,
            SERVER_NAME,
            VERIFY_HOSTNAME,
            PROVIDER);

    /** Whether a server asks for a client certificate ({@code want}: asks, {@code need}: refuses without). Immutable. */
    public enum ClientAuth {
        NONE,
        WANT,
        NEED
    }

    private final SSLContext context;
    /** The engines come from the JDK's own provider (SunJSSE). */
    private final boolean jdkProvider;

    private final boolean hasKeyMaterial;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    /**
     * What every engine gets, worked out once rather than per connection: the protocols, the suites for either
     * side ({@link #enabledSuites}; empty: the provider's), ALPN names. A server enables the configured suites, else
     * the defaults this JDK has.
     */
    private final String[] protocolNames;

    private final String[] commonSuites;
    private final String[] serverSuites;
    private final String[] alpnNames;

    private final List<String> alpn;
    private final ClientAuth clientAuth;
    private final Duration handshakeTimeout;
    private final String serverName;
    private final boolean verifyHostname;

    private TlsSettings(PropertyReader p) {
        String provider = p.string(PROVIDER);
        this.jdkProvider =
                provider == null || provider.isBlank() || provider.strip().equals("SunJSSE");
        KeyManager[] keys = KeyMaterial.keyManagers(p, jdkProvider ? "PKIX" : "SunX509");
        this.hasKeyMaterial = keys != null;
        try {
            context = context(provider);
            context.init(keys, KeyMaterial.trustManagers(p), null);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
        SSLParameters supported = context.getSupportedSSLParameters();
        List<String> p0 = p.list(PROTOCOLS);
        this.protocols = checked(PROTOCOLS, p0.isEmpty() ? DEFAULT_PROTOCOLS : p0, supported.getProtocols());
        this.cipherSuites = checked(CIPHER_SUITES, p.list(CIPHER_SUITES), supported.getCipherSuites());
        List<String> jdk = Arrays.asList(supported.getCipherSuites());
        this.protocolNames = protocols.toArray(new String[0]);
        this.commonSuites = enabledSuites(cipherSuites);
        this.serverSuites = enabledSuites(
                !cipherSuites.isEmpty()
                        ? cipherSuites
                        : DEFAULT_SERVER_CIPHER_SUITES.stream()
                                .filter(jdk::contains)
                                .toList());
        this.alpn = List.copyOf(p.list(ALPN));
        this.alpnNames = alpn.toArray(new String[0]);
        this.clientAuth = ClientAuth.valueOf(
                p.choice(CLIENT_AUTH, "none", "none", "want", "need").toUpperCase(Locale.ROOT));
        this.handshakeTimeout = p.seconds(HANDSHAKE_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT);
        this.serverName = p.string(SERVER_NAME);
        this.verifyHostname = p.bool(VERIFY_HOSTNAME, true);
        if (serverName != null && !isIpLiteral(serverName)) {
            try {
                new SNIHostName(serverName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        SERVER_NAME + " '" + serverName + "' is not a host name: " + e.getMessage(), e);
            }
        }
    }

    private static SSLContext context(String provider) throws GeneralSecurityException {
        if (provider == null || provider.isBlank()) {
            return SSLContext.getInstance("TLS");
        }
        Provider named = Security.getProvider(provider.strip());
        if (named == null) {
            List<String> installed = Arrays.stream(Security.getProviders())
                    .filter(x -> x.getService("SSLContext", "TLS") != null)
                    .map(Provider::getName)
                    .toList();
            throw new IllegalArgumentException(
                    PROVIDER + ": '" + provider + "' is not installed; TLS providers installed: "
                            + installed
                            + (provider.strip().equalsIgnoreCase("Conscrypt")
                                    ? " (the magnetar-tls-conscrypt feature installs Conscrypt)"
                                    : ""));
        }
        return SSLContext.getInstance("TLS", named);
    }

    /** The name of the provider whose engines these settings make. */
    public String provider() {
        return context.getProvider().getName();
    }

    /**
     * Reads the {@code tls.*} entries of {@code properties} (other keys are ignored).
     *
     * @throws IllegalArgumentException naming the property, for an unknown {@code tls.*} key, a missing
     *     or unreadable file, a wrong password, an unsupported protocol or cipher suite, or a bad value
     */
    public static TlsSettings from(Map<String, ?> properties) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (key.startsWith(PREFIX) && !KNOWN.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown TLS properties " + unknown + "; known: " + new TreeSet<>(KNOWN));
        }
        return new TlsSettings(new PropertyReader(properties));
    }

    /** {@link #from(Map)} of the endpoint's properties. */
    public static TlsSettings from(Endpoint endpoint) {
        return from(endpoint.properties());
    }

    private static List<String> checked(String key, List<String> wanted, String[] supported) {
        List<String> all = Arrays.asList(supported);
        for (String w : wanted) {
            if (!all.contains(w)) {
                throw new IllegalArgumentException(
                        key + ": '" + w + "' is not supported by this JDK; supported: " + String.join(",", supported));
            }
        }
        return List.copyOf(wanted);
    }

    /** A new server-side engine. */
    public SSLEngine newServerEngine() {
        if (!hasKeyMaterial) {
            throw new IllegalStateException(
                    "a TLS server needs " + KEY_STORE + " or " + CERTIFICATE + " + " + PRIVATE_KEY);
        }
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters params = commonParameters(engine);
        if (serverSuites.length > 0) {
            params.setCipherSuites(serverSuites);
        }
        params.setUseCipherSuitesOrder(true);
        if (clientAuth == ClientAuth.NEED) {
            params.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.WANT) {
            params.setWantClientAuth(true);
        }
        engine.setSSLParameters(params);
        if (!jdkProvider) {
            ConscryptTickets.enable(engine); // resumption, as the JDK's engines offer it by default
        }
        return engine;
    }

    /**
     * A new client-side engine for a connection to {@code address}: SNI and the host name check use
     * {@link #SERVER_NAME} if set, else the address's host string (no SNI for an IP literal).
     */
    public SSLEngine newClientEngine(InetSocketAddress address) {
        String host = serverName != null ? serverName : address.getHostString();
        SSLEngine engine = context.createSSLEngine(host, address.getPort());
        engine.setUseClientMode(true);
        SSLParameters params = commonParameters(engine);
        if (verifyHostname) {
            // "HTTPS" is RFC 2818/6125 matching of DNS and IP subject alternative names.
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpLiteral(host)) {
            // Set explicitly: the JDK sends SNI on its own only for names with a dot, not "localhost".
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    private SSLParameters commonParameters(SSLEngine engine) {
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocolNames);
        if (commonSuites.length > 0) {
            params.setCipherSuites(commonSuites);
        }
        if (alpnNames.length > 0) {
            params.setApplicationProtocols(alpnNames);
        }
        return params;
    }

    /**
     * The suites to enable on an engine; none means "leave the provider's". Providers other than the JDK's
     * (Conscrypt, BoringSSL underneath) always enable TLS 1.3's suites and fail every handshake when given a
     * list of only those (google/conscrypt#1012): they get the TLS 1.2 names alone.
     */
    private String[] enabledSuites(List<String> suites) {
        if (jdkProvider) {
            return suites.toArray(new String[0]);
        }
        return suites.stream()
                .filter(n -> !n.startsWith("TLS_AES_") && !n.startsWith("TLS_CHACHA20_"))
                .toArray(String[]::new);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** True when a key store or PEM certificate and key were configured (required to listen). */
    public boolean hasKeyMaterial() {
        return hasKeyMaterial;
    }

    public List<String> protocols() {
        return protocols;
    }

    /** The configured cipher suites; empty means the JDK's defaults. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    public List<String> alpn() {
        return alpn;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The configured server name, or {@code null} to use the connect host. */
    public String serverName() {
        return serverName;
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    @Override
    public String toString() {
        return "TlsSettings[protocols=" + protocols + ", alpn=" + alpn + ", clientAuth=" + clientAuth
                + ", handshakeTimeout=" + handshakeTimeout.toMillis() + "ms, key=" + hasKeyMaterial + "]";
    }
}
