package io.magnetar.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates made at test time with the JDK's {@code keytool} (never committed): a test CA and leaf
 * certificates it signs (localhost, peer.test), an expired one, and a self-signed one nobody trusts. keytool makes the
 * certificates (the JDK has no public API for that); the key stores and PEM files the tests use are
 * cut from its output in-process. Made once per test JVM (keytool starts a JVM per call, so the calls
 * run in parallel) in a temporary directory removed when the JVM exits.
 */
public final class TestPki {

    public static final String PASSWORD = "changeit";
    private static final char[] PASS = PASSWORD.toCharArray();
    private static TestPki instance;

    public final Path dir;
    /** CA certificate only: what clients and servers trust. */
    public final Path trustStore;

    public final Path caPem;
    /** localhost + 127.0.0.1, signed by the CA. */
    public final Path serverKeys;

    public final Path serverCertPem;
    public final Path serverKeyPem;
    /** Two keys: localhost and peer.test, for SNI. */
    public final Path sniKeys;
    /** CN=peer.test, signed by the CA: the client certificate. */
    public final Path clientKeys;

    public final Path clientCertPem;
    public final Path clientKeyPem;
    /** localhost, signed by the CA, validity ended days ago. */
    public final Path expiredKeys;
    /** localhost, self-signed: trusted by nobody. */
    public final Path untrustedKeys;

    public static synchronized TestPki get() {
        if (instance == null) {
            try {
                instance = new TestPki(Files.createTempDirectory("magnetar-tls-pki"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot make test certificates", e);
            }
        }
        return instance;
    }

    private TestPki(Path dir) throws Exception {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        // Two rounds of keytool runs in parallel: the CA (and the self-signed outsider), then what the CA signs.
        Path ca = dir.resolve("ca-work.p12");
        keytool(List.of(
                List.of(
                        "-genkeypair",
                        "-keystore",
                        ca.toString(),
                        "-alias",
                        "ca",
                        "-dname",
                        "CN=Magnetar Test CA",
                        "-ext",
                        "bc:c",
                        "-ext",
                        "KU=keyCertSign,cRLSign",
                        "-validity",
                        "30"),
                List.of(
                        "-genkeypair",
                        "-keystore",
                        dir.resolve("untrusted-work.p12").toString(),
                        "-alias",
                        "untrusted",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "30")));
        Map<String, List<String>> leaves = new LinkedHashMap<>();
        leaves.put(
                "server",
                List.of("-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30"));
        // A second name for SNI, and the client certificate for mutual authentication.
        leaves.put("peer", List.of("-dname", "CN=peer.test", "-ext", "SAN=dns:peer.test", "-validity", "30"));
        leaves.put(
                "expired",
                List.of(
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-startdate",
                        "-10d",
                        "-validity",
                        "2"));
        List<List<String>> calls = new ArrayList<>();
        for (var leaf : leaves.entrySet()) {
            Path work = dir.resolve(leaf.getKey() + "-work.p12");
            Files.copy(ca, work); // -signer needs the CA's key in the same store
            List<String> args = new ArrayList<>(
                    List.of("-genkeypair", "-keystore", work.toString(), "-alias", leaf.getKey(), "-signer", "ca"));
            args.addAll(leaf.getValue());
            calls.add(args);
        }
        keytool(calls);

        KeyStore caStore = load(ca);
        Certificate caCert = caStore.getCertificate("ca");
        trustStore = dir.resolve("trust.p12");
        KeyStore trust = empty();
        trust.setCertificateEntry("ca", caCert);
        store(trust, trustStore);
        caPem = writePem(dir.resolve("ca.pem"), List.of(caCert), null);

        serverKeys = keyStore("server", "server");
        clientKeys = keyStore("client", "peer");
        expiredKeys = keyStore("expired", "expired");
        untrustedKeys = keyStore("untrusted", "untrusted");
        sniKeys = keyStore("sni", "server", "peer");
        serverCertPem = dir.resolve("server.pem");
        serverKeyPem = dir.resolve("server.key");
        exportPem("server", serverCertPem, serverKeyPem);
        clientCertPem = dir.resolve("client.pem");
        clientKeyPem = dir.resolve("client.key");
        exportPem("peer", clientCertPem, clientKeyPem);
    }

    /** Runs the keytool calls at once and waits for all; fails with keytool's output. */
    private void keytool(List<List<String>> calls) throws Exception {
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<Process> running = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (List<String> call : calls) {
            List<String> command = new ArrayList<>(List.of(
                    keytool,
                    // keytool is short-lived: skip the optimising compiler, start faster
                    "-J-XX:TieredStopAtLevel=1",
                    "-J-XX:+UseSerialGC",
                    "-J-Xshare:auto"));
            command.addAll(call);
            command.addAll(List.of(
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    PASSWORD,
                    "-keypass",
                    PASSWORD,
                    "-noprompt"));
            Path log = Files.createTempFile(dir, "keytool", ".log");
            logs.add(log);
            running.add(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start());
        }
        for (int i = 0; i < running.size(); i++) {
            Process p = running.get(i);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool timed out: " + calls.get(i));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "keytool " + calls.get(i) + " failed: " + Files.readString(logs.get(i)));
            }
        }
    }

    /** A key store holding only the named key entries of the work stores. */
    private Path keyStore(String name, String... aliases) throws Exception {
        KeyStore out = empty();
        for (String alias : aliases) {
            KeyStore work = load(dir.resolve(alias + "-work.p12"));
            out.setKeyEntry(alias, work.getKey(alias, PASS), PASS, work.getCertificateChain(alias));
        }
        return store(out, dir.resolve(name + ".p12"));
    }

    private void exportPem(String alias, Path certFile, Path keyFile) throws Exception {
        KeyStore work = load(dir.resolve(alias + "-work.p12"));
        writePem(certFile, List.of(work.getCertificateChain(alias)), null);
        writePem(keyFile, List.of(), (PrivateKey) work.getKey(alias, PASS));
    }

    private static Path writePem(Path file, List<Certificate> certificates, PrivateKey key) throws Exception {
        StringBuilder text = new StringBuilder();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (Certificate c : certificates) {
            text.append("-----BEGIN CERTIFICATE-----\n")
                    .append(base64.encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        if (key != null) {
            text.append("-----BEGIN PRIVATE KEY-----\n")
                    .append(base64.encodeToString(key.getEncoded()))
                    .append("\n-----END PRIVATE KEY-----\n");
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private static KeyStore empty() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            store.load(in, PASS);
        }
        return store;
    }

    private static Path store(KeyStore store, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASS);
        }
        return file;
    }

    /** Server properties serving {@code keys}. */
    public Map<String, Object> serverProperties(Path keys) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(TlsSettings.KEY_STORE, keys.toString());
        p.put(TlsSettings.KEY_STORE_PASSWORD, PASSWORD);
        return p;
    }

    /** Client properties trusting the test CA. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(TlsSettings.TRUST_STORE, trustStore.toString());
        p.put(TlsSettings.TRUST_STORE_PASSWORD, PASSWORD);
        return p;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }
}
