package io.magnetar.udp;

import static io.magnetar.udp.Udp.await;
import static io.magnetar.udp.Udp.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.magnetar.api.DatagramTransport;
import io.magnetar.api.Endpoint;
import io.magnetar.api.Transport;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multicast membership on the loopback interface, from the {@code multicastGroup} and
 * {@code multicastInterface} endpoint options. Linux's {@code lo} carries no MULTICAST flag, yet IPv4
 * group traffic sent through it is looped back to members; each test first proves that with plain JDK
 * sockets and is skipped, with the kernel's answer as the reason, where it does not hold.
 */
@Timeout(60)
class MulticastTest {

    private final SelectorEventLoopGroup group = new SelectorEventLoopGroup(1, "udp-multicast-test");
    private final UdpTransportProvider udp = new UdpTransportProvider(group);

    @AfterEach
    void tearDown() throws Exception {
        await(group.close());
    }

    /** A group of its own per test run, so that parallel runs on one host do not hear each other. */
    private static InetAddress randomIpv4Group() throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return InetAddress.getByName("239.255." + r.nextInt(1, 255) + "." + r.nextInt(1, 255));
    }

    private static NetworkInterface loopback() throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        assumeTrue(lo != null, "no loopback network interface");
        return lo;
    }

    @Test
    void endpointJoinsTheGroupOnTheInterfaceHearsItAndStopsHearingItAfterLeaving() throws Exception {
        NetworkInterface lo = loopback();
        InetAddress groupAddress = randomIpv4Group();
        assumeLoopbackMulticast(StandardProtocolFamily.INET, groupAddress, lo);
        RecordingProtocol member = RecordingProtocol.echo();
        DatagramSocketTransport t = (DatagramSocketTransport) await(udp.bindDatagram(
                Endpoint.builder()
                        .host("0.0.0.0")
                        .port(0)
                        .property(UdpTransportProvider.MULTICAST_GROUP, groupAddress.getHostAddress())
                        .property(UdpTransportProvider.MULTICAST_INTERFACE, lo.getName())
                        .build(),
                member));
        int port = ((InetSocketAddress) t.extraInfo(Transport.SOCKNAME)).getPort();

        try (DatagramChannel sender = multicastSender(StandardProtocolFamily.INET, lo)) {
            sender.send(text("to the group"), new InetSocketAddress(groupAddress, port));

            RecordingProtocol.Datagram heard = member.datagrams.poll(10, TimeUnit.SECONDS);
            assertThat(heard).as("datagram sent to the group").isNotNull();
            assertThat(heard.data()).asString(StandardCharsets.UTF_8).isEqualTo("to the group");
            // The echo goes back by unicast to the sender's own address.
            ByteBuffer reply = ByteBuffer.allocate(100);
            sender.configureBlocking(true);
            sender.receive(reply);
            assertThat(new String(bytesOf(reply), StandardCharsets.UTF_8)).isEqualTo("to the group");

            assertThat(t.leaveGroup(groupAddress, lo)).isTrue();
            assertThat(t.leaveGroup(groupAddress, lo)).isFalse();
            sender.send(text("after leaving"), new InetSocketAddress(groupAddress, port));
            sender.send(text("marker"), new InetSocketAddress(InetAddress.getLoopbackAddress(), port));

            // On loopback both datagrams are delivered in the order sent: had the group one arrived, it
            // would come before the unicast marker.
            assertThat(member.datagrams.poll(10, TimeUnit.SECONDS).data())
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("marker");
        }
    }

    @Test
    void transportThatJoinedSendsToTheGroupThroughItsInterface() throws Exception {
        NetworkInterface lo = loopback();
        InetAddress groupAddress = randomIpv4Group();
        assumeLoopbackMulticast(StandardProtocolFamily.INET, groupAddress, lo);
        try (DatagramChannel member = DatagramChannel.open(StandardProtocolFamily.INET)) {
            member.bind(new InetSocketAddress("0.0.0.0", 0));
            member.join(groupAddress, lo);
            int port = ((InetSocketAddress) member.getLocalAddress()).getPort();
            DatagramTransport t = await(udp.bindDatagram(
                    Endpoint.builder()
                            .host("0.0.0.0")
                            .port(0)
                            .property(UdpTransportProvider.MULTICAST_GROUP, groupAddress.getHostAddress())
                            .property(UdpTransportProvider.MULTICAST_INTERFACE, "127.0.0.1")
                            .build(),
                    new RecordingProtocol()));

            t.sendTo(text("from magnetar"), new InetSocketAddress(groupAddress, port));

            ByteBuffer got = ByteBuffer.allocate(100);
            member.receive(got);
            assertThat(new String(bytesOf(got), StandardCharsets.UTF_8)).isEqualTo("from magnetar");
        }
    }

    @Test
    void ipv6GroupOnLoopbackIsHeardWhereTheKernelRoutesIt() throws Exception {
        assumeTrue(Udp.ipv6Loopback(), "IPv6 loopback ::1 is not available on this machine");
        NetworkInterface lo = loopback();
        InetAddress groupAddress = InetAddress.getByName(
                "ff02::4d47:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)));
        assumeLoopbackMulticast(StandardProtocolFamily.INET6, groupAddress, lo);
        RecordingProtocol member = new RecordingProtocol();
        DatagramTransport t = await(udp.bindDatagram(
                Endpoint.builder()
                        .host("::")
                        .port(0)
                        .property(UdpTransportProvider.MULTICAST_GROUP, groupAddress.getHostAddress())
                        .property(UdpTransportProvider.MULTICAST_INTERFACE, lo.getName())
                        .build(),
                member));
        int port = ((InetSocketAddress) t.extraInfo(Transport.SOCKNAME)).getPort();

        try (DatagramChannel sender = multicastSender(StandardProtocolFamily.INET6, lo)) {
            sender.send(text("v6 group"), new InetSocketAddress(groupAddress, port));
        }

        assertThat(member.datagrams.poll(10, TimeUnit.SECONDS).data())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("v6 group");
    }

    @Test
    void groupOnTheWildcardAddressWithoutAnInterfaceOrANonGroupAddressFailsTheBind() {
        assertThatThrownBy(() -> await(udp.bindDatagram(
                        Endpoint.builder()
                                .host("0.0.0.0")
                                .port(0)
                                .property(UdpTransportProvider.MULTICAST_GROUP, "239.255.1.1")
                                .build(),
                        new RecordingProtocol())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("needs multicastInterface");
        assertThatThrownBy(() -> await(udp.bindDatagram(
                        Endpoint.builder()
                                .host("127.0.0.1")
                                .port(0)
                                .property(UdpTransportProvider.MULTICAST_GROUP, "10.1.2.3")
                                .build(),
                        new RecordingProtocol())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a multicast address");
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static DatagramChannel multicastSender(ProtocolFamily family, NetworkInterface nif) throws IOException {
        DatagramChannel c = DatagramChannel.open(family);
        c.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
        c.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        c.bind(null);
        return c;
    }

    /** Skips the test unless a plain JDK member on {@code nif} hears a datagram sent to the group. */
    private static void assumeLoopbackMulticast(ProtocolFamily family, InetAddress groupAddress, NetworkInterface nif) {
        String outcome;
        try (DatagramChannel member = DatagramChannel.open(family);
                DatagramChannel sender = multicastSender(family, nif)) {
            member.bind(new InetSocketAddress(family == StandardProtocolFamily.INET6 ? "::" : "0.0.0.0", 0));
            member.join(groupAddress, nif);
            int port = ((InetSocketAddress) member.getLocalAddress()).getPort();
            sender.send(text("probe"), new InetSocketAddress(groupAddress, port));
            member.configureBlocking(false);
            ByteBuffer b = ByteBuffer.allocate(16);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (member.receive(b) == null) {
                if (System.nanoTime() > end) {
                    assumeTrue(
                            false,
                            "the kernel does not loop " + groupAddress.getHostAddress() + " back on " + nif.getName()
                                    + ": a member heard nothing within 2 s");
                }
                Thread.sleep(5); // polling the probe; the deadline bounds it
            }
            return;
        } catch (IOException e) {
            outcome = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        }
        assumeTrue(
                false,
                "multicast to " + groupAddress.getHostAddress() + " on " + nif.getName()
                        + " is not possible on this kernel: " + outcome);
    }
}
