package io.magnetar.tls.internal;

import io.magnetar.api.Transport;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a completed handshake established, as the TLS keys of {@link Transport#extraInfo}: the session,
 * the ALPN protocol ({@code null} when none) and the peer's certificate chain ({@code null} when it
 * sent none). Immutable.
 */
record SessionInfo(SSLSession session, String alpn, List<Certificate> peerCertificates) {

    static SessionInfo of(SSLEngine engine) {
        SSLSession session = engine.getSession();
        String alpn = engine.getApplicationProtocol();
        List<Certificate> chain = null;
        // A server that asked for no client certificate has none to read: skip the exception that says so.
        if (engine.getUseClientMode() || engine.getNeedClientAuth() || engine.getWantClientAuth()) {
            try {
                chain = List.of(session.getPeerCertificates());
            } catch (SSLPeerUnverifiedException noCertificate) {
                chain = null;
            }
        }
        return new SessionInfo(session, alpn == null || alpn.isEmpty() ? null : alpn, chain);
    }

    /** The value of a TLS key, or {@code null} for any other key. */
    Object get(String key) {
        return switch (key) {
            case Transport.SSL_SESSION -> session;
            case Transport.ALPN_PROTOCOL -> alpn;
            case Transport.PEER_CERTIFICATES -> peerCertificates;
            default -> null;
        };
    }

    static boolean isTlsKey(String key) {
        return key.equals(Transport.SSL_SESSION)
                || key.equals(Transport.ALPN_PROTOCOL)
                || key.equals(Transport.PEER_CERTIFICATES);
    }

    @Override
    public String toString() {
        return session.getProtocol() + " " + session.getCipherSuite() + (alpn != null ? " alpn=" + alpn : "");
    }
}
