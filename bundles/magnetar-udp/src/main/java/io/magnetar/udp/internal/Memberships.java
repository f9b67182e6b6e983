package io.magnetar.udp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The multicast groups one channel joined, by group and interface; closing the channel drops them all.
 * Thread-safe (the channel's membership calls are).
 */
public final class Memberships {

    private final DatagramChannel channel;
    private final Map<String, MembershipKey> keys = new ConcurrentHashMap<>();

    public Memberships(DatagramChannel channel) {
        this.channel = channel;
    }

    /** Joins {@code group} on {@code nif} and sends multicast through {@code nif} from now on. */
    public void join(InetAddress group, NetworkInterface nif) throws IOException {
        MembershipKey k = channel.join(group, nif);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
        keys.put(key(group, nif), k);
    }

    /** Leaves {@code group} on {@code nif}; false when not a member. */
    public boolean leave(InetAddress group, NetworkInterface nif) {
        MembershipKey k = keys.remove(key(group, nif));
        if (k == null) {
            return false;
        }
        k.drop();
        return true;
    }

    private static String key(InetAddress group, NetworkInterface nif) {
        return group.getHostAddress() + "%" + nif.getName();
    }
}
