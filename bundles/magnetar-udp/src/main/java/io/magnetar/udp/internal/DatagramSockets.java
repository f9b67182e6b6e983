package io.magnetar.udp.internal;

import io.magnetar.api.Endpoint;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Opens and configures datagram channels from an {@link Endpoint}: family from the address, buffer
 * sizes and broadcast from its properties, bind, optional connect. Stateless; thread-safe.
 */
public final class DatagramSockets {

    private DatagramSockets() {}

    /**
     * A non-blocking channel bound to {@code local} (an ephemeral port of {@code remote}'s family when
     * {@code local} is {@code null}) and connected to {@code remote} when that is not {@code null}.
     */
    public static DatagramChannel open(
            Endpoint local,
            InetSocketAddress remote,
            String receiveBufferKey,
            String sendBufferKey,
            String broadcastKey)
            throws IOException {
        InetSocketAddress bindTo = local == null ? null : resolve(local.host(), local.port());
        InetSocketAddress target = remote == null
                ? null
                : remote.isUnresolved() ? resolve(remote.getHostString(), remote.getPort()) : remote;
        InetAddress familyOf = bindTo != null ? bindTo.getAddress() : target.getAddress();
        ProtocolFamily family =
                familyOf instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.configureBlocking(false);
            if (local != null) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, local.reuseAddress());
                if (local.reusePort()) {
                    if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new SocketException("SO_REUSEPORT is not supported on this platform");
                    }
                    channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                int rcv = intProperty(local, receiveBufferKey);
                if (rcv > 0) {
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, rcv);
                }
                int snd = intProperty(local, sendBufferKey);
                if (snd > 0) {
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, snd);
                }
                if (Boolean.parseBoolean(local.property(broadcastKey, "false"))) {
                    channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
                }
            }
            channel.bind(bindTo);
            if (target != null) {
                channel.connect(target);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The interface named by {@code spec} (an interface name such as {@code eth0}, or one of its
     * addresses); when {@code spec} is empty, the interface that holds {@code bound}, which must then be
     * a specific address.
     */
    public static NetworkInterface multicastInterface(String spec, InetSocketAddress bound) throws IOException {
        NetworkInterface nif;
        if (spec != null && !spec.isBlank()) {
            nif = NetworkInterface.getByName(spec.trim());
            if (nif == null) {
                nif = NetworkInterface.getByInetAddress(InetAddress.getByName(spec.trim()));
            }
            if (nif == null) {
                throw new SocketException("no network interface named or holding '" + spec + "'");
            }
            return nif;
        }
        if (bound.getAddress().isAnyLocalAddress()) {
            throw new SocketException("a multicast group on a socket bound to the wildcard address needs "
                    + "multicastInterface (an interface name such as eth0, or one of its addresses)");
        }
        nif = NetworkInterface.getByInetAddress(bound.getAddress());
        if (nif == null) {
            throw new SocketException("no network interface holds " + bound.getAddress());
        }
        return nif;
    }

    /**
     * Where a datagram for {@code address} goes from a transport connected to {@code peer} (or
     * unconnected when {@code peer} is {@code null}); checked on the caller's thread, so that a wrong
     * destination throws there.
     */
    public static SocketAddress target(InetSocketAddress peer, SocketAddress address, Object transport) {
        if (address == null) {
            if (peer == null) {
                throw new IllegalArgumentException("sendTo without an address on unconnected " + transport);
            }
            return peer;
        }
        if (!(address instanceof InetSocketAddress isa) || isa.isUnresolved()) {
            throw new IllegalArgumentException("not a resolved IP socket address: " + address);
        }
        if (peer != null && !peer.equals(address)) {
            throw new IllegalArgumentException("transport connected to " + peer + " cannot send to " + address);
        }
        return address;
    }

    /** Sends one datagram; true when the socket took it, false when it had no room. */
    public static boolean send(DatagramChannel channel, ByteBuffer data, SocketAddress target) throws IOException {
        // send() answers 0 both for "no room" and for an empty datagram sent: an empty one is taken as
        // sent (if the socket really was full it is lost, which UDP allows).
        boolean empty = !data.hasRemaining();
        return channel.send(data, target) > 0 || empty;
    }

    /** {@code host} as an address, resolving a name now (may block on DNS). */
    public static InetAddress address(String host) throws UnknownHostException {
        return InetAddress.getByName(host.trim());
    }

    private static InetSocketAddress resolve(String host, int port) throws UnknownHostException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve host '" + host + "'");
        }
        return address;
    }

    private static int intProperty(Endpoint e, String key) {
        String v = e.property(key, "").trim();
        if (v.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException bad) {
            throw new IllegalArgumentException(key + " must be a number of bytes, got '" + v + "'", bad);
        }
    }
}
