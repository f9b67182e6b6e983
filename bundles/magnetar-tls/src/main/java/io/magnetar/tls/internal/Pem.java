package io.magnetar.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM files: X.509 certificates (what {@link CertificateFactory} reads) and unencrypted PKCS#8
 * private keys ({@code BEGIN PRIVATE KEY}, RFC 7468 section 10). Stateless.
 */
public final class Pem {

    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";
    /** PKCS#8 does not name the algorithm in a way the JDK exposes, so each likely one is tried. */
    private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private Pem() {}

    /** Every certificate in {@code file}, in file order; fails when there is none. */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> list = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                list.add((X509Certificate) c);
            }
        }
        if (list.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the file (expected PEM 'BEGIN CERTIFICATE')");
        }
        return list;
    }

    /** The private key of the first {@code BEGIN PRIVATE KEY} block in {@code file}. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN_KEY);
        if (begin < 0) {
            throw new GeneralSecurityException(whyNoKey(text));
        }
        int end = text.indexOf(END_KEY, begin);
        if (end < 0) {
            throw new GeneralSecurityException("'" + BEGIN_KEY + "' without '" + END_KEY + "'");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_KEY.length(), end));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the private key is not valid base64: " + e.getMessage());
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException wrongGuess) {
                // not this algorithm: try the next one
            }
        }
        throw new GeneralSecurityException("the PKCS#8 key is none of " + String.join(", ", KEY_ALGORITHMS));
    }

    private static String whyNoKey(String text) {
        if (text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            return "encrypted PEM keys are not supported: decrypt it (openssl pkcs8 -topk8 -nocrypt) or use a key store";
        }
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
            return "the key is PKCS#1/SEC1, not PKCS#8: convert it with 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8'";
        }
        return "no '" + BEGIN_KEY + "' block in the file";
    }
}
