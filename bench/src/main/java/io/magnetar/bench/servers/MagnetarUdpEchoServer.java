package io.magnetar.bench.servers;

import io.magnetar.api.Endpoint;
import io.magnetar.loop.SelectorEventLoopGroup;
import io.magnetar.protocol.echo.DatagramEchoProtocol;
import io.magnetar.udp.DatagramServer;
import io.magnetar.udp.UdpTransportProvider;
import java.util.concurrent.CountDownLatch;

/** Bench server: Magnetar's datagram echo. {@code --port 0}; prints {@code READY <port>}. */
public final class MagnetarUdpEchoServer {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        var loops = new SelectorEventLoopGroup(1, "magnetar-loop");
        Endpoint endpoint = Endpoint.builder()
                .host("127.0.0.1")
                .port(args.getInt("port", 0))
                .property(UdpTransportProvider.RECEIVE_BUFFER_SIZE, 4 << 20)
                .property(UdpTransportProvider.SEND_BUFFER_SIZE, 4 << 20)
                .build();
        DatagramServer server = DatagramServer.builder(new UdpTransportProvider(loops), DatagramEchoProtocol::new)
                .endpoint(endpoint)
                .build();
        server.startServing().join();
        System.out.println("READY " + server.address().getPort());
        new CountDownLatch(1).await();
    }
}
