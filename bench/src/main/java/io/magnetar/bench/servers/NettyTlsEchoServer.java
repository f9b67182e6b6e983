package io.magnetar.bench.servers;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * The TLS peer: Netty 4.1's echo server behind its {@code SslHandler}, the engine from the JDK or from
 * OpenSSL (netty-tcnative's statically linked BoringSSL). {@code --port 0 --threads 1 --transport nio|epoll
 * --provider jdk|openssl --keystore p12 --password pw [--protocols TLSv1.3] [--ciphers a,b]}; the key
 * and certificate chain are the first key entry of the PKCS12 store. Delegated tasks run on the event
 * loop (Netty's default). Prints {@code READY <port>}.
 */
public final class NettyTlsEchoServer {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        SslProvider provider = switch (args.get("provider", "jdk")) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> SslProvider.OPENSSL;
            default -> throw new IllegalArgumentException("--provider jdk|openssl, got " + args.get("provider", ""));
        };
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            throw new IllegalStateException("netty-tcnative is not available", OpenSsl.unavailabilityCause());
        }
        char[] password = args.get("password", "").toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args.get("keystore", "")))) {
            store.load(in, password);
        }
        String alias = store.aliases().nextElement();
        PrivateKey key = (PrivateKey) store.getKey(alias, password);
        Certificate[] chain = store.getCertificateChain(alias);
        SslContextBuilder builder = SslContextBuilder.forServer(
                        key, Arrays.copyOf(chain, chain.length, X509Certificate[].class))
                .sslProvider(provider);
        String protocols = args.get("protocols", "");
        if (!protocols.isEmpty()) {
            builder.protocols(protocols.split(","));
        }
        String ciphers = args.get("ciphers", "");
        if (!ciphers.isEmpty()) {
            builder.ciphers(List.of(ciphers.split(",")));
        }
        SslContext context = builder.build();
        NettyEchoServer.Echo echo = new NettyEchoServer.Echo();
        NettyServers.serve(args, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(context.newHandler(ch.alloc()), echo);
            }
        });
    }
}
