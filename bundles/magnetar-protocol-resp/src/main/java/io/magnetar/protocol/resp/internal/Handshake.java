package io.magnetar.protocol.resp.internal;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code AUTH} and {@code HELLO}, and whether the connection has authenticated: answered in redis-server's
 * words, so that clients that match on them behave as against redis. {@code HELLO 3} switches the
 * connection's replies to RESP3 (redis-py 8 asks for it as it connects, and does not fall back), {@code HELLO
 * 2} back; other versions get {@code -NOPROTO}. {@code CLIENT ID}, {@code SETNAME}, {@code GETNAME} and
 * {@code SETINFO} (what client libraries send as they connect) answer as redis 7.2.
 *
 * <p>Confined to its connection's event loop.
 */
final class Handshake {

    private static final AtomicLong CLIENT_IDS = new AtomicLong();
    private static final byte[] DEFAULT_USER = ReplyWriter.ascii("DEFAULT");
    private static final byte[] AUTH = ReplyWriter.ascii("AUTH");
    private static final byte[] SETNAME = ReplyWriter.ascii("SETNAME");
    private static final byte[] GETNAME = ReplyWriter.ascii("GETNAME");
    private static final byte[] ID = ReplyWriter.ascii("ID");
    private static final byte[] SETINFO = ReplyWriter.ascii("SETINFO");
    static final String NOAUTH_HELLO = "NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
            + "select the RESP protocol version at the same time";

    private final Arguments args;
    private final ReplyWriter reply;
    private final Keyspace keyspace;
    private boolean authenticated;
    private long clientId;
    /** {@code CLIENT SETNAME}'s or {@code HELLO ... SETNAME}'s, kept for {@code CLIENT GETNAME}; null: none. */
    private byte[] name;

    Handshake(Arguments args, ReplyWriter reply, Keyspace keyspace) {
        this.args = args;
        this.reply = reply;
        this.keyspace = keyspace;
    }

    /** True when commands may run: authenticated, or no password is set. */
    boolean mayRun() {
        return authenticated || keyspace.requirePass() == null;
    }

    /** {@code AUTH [username] password}; compared in constant time. */
    void auth() {
        int argc = args.count();
        if (argc > 3) {
            reply.error("ERR syntax error");
        } else if (keyspace.requirePass() == null && argc == 3) {
            // redis 7's default user has no password: any password is right for it, no other user exists.
            if (is(1, DEFAULT_USER)) {
                reply.raw(ReplyWriter.OK);
            } else {
                reply.error("WRONGPASS invalid username-password pair or user is disabled.");
            }
        } else if (keyspace.requirePass() == null) {
            reply.error("ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
        } else if (check(argc == 3 ? 1 : -1, argc - 1)) {
            reply.raw(ReplyWriter.OK);
        } else {
            reply.error("WRONGPASS invalid username-password pair or user is disabled.");
        }
    }

    /** {@code HELLO [protover [AUTH username password] [SETNAME clientname]]}. */
    void hello() {
        int argc = args.count();
        long proto = reply.isResp3() ? 3 : 2;
        if (argc >= 2) {
            long[] version = new long[1];
            if (!Ascii.parseLong(args.bytes(), args.start(1), args.length(1), version)) {
                reply.error("ERR Protocol version is not an integer or out of range");
                return;
            }
            if (version[0] != 2 && version[0] != 3) {
                reply.error("NOPROTO unsupported protocol version");
                return;
            }
            proto = version[0];
        }
        int user = -1;
        for (int j = 2; j < argc; j++) {
            int more = argc - 1 - j;
            if (is(j, AUTH) && more >= 2) {
                user = j + 1;
                j += 2;
            } else if (is(j, SETNAME) && more >= 1) {
                j++;
                if (!validName(j)) {
                    reply.error(BAD_NAME);
                    return;
                }
            } else {
                reply.error("ERR Syntax error in HELLO option '" + args.text(j, 128) + "'");
                return;
            }
        }
        if (user >= 0 && keyspace.requirePass() != null && !check(user, user + 1)) {
            reply.error("WRONGPASS invalid username-password pair or user is disabled.");
            return;
        }
        if (!mayRun()) {
            reply.error(NOAUTH_HELLO);
            return;
        }
        long id = id();
        for (int j = 2; j + 1 < argc; j++) {
            if (is(j, SETNAME)) {
                name = copy(j + 1); // only once the HELLO succeeds, as redis
            }
        }
        reply.resp3(proto == 3); // the reply is already in the protocol chosen, as redis answers
        reply.mapHeader(7);
        field("server", "redis");
        field("version", ServerCommands.VERSION);
        reply.bulk(ReplyWriter.ascii("proto"));
        reply.integer(proto);
        reply.bulk(ReplyWriter.ascii("id"));
        reply.integer(id);
        field("mode", "standalone");
        field("role", "master");
        reply.bulk(ReplyWriter.ascii("modules"));
        reply.raw(ReplyWriter.EMPTY_ARRAY);
    }

    private static final String BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

    /** {@code CLIENT ID | SETNAME name | GETNAME | SETINFO LIB-NAME|LIB-VER value}. */
    void client() {
        int argc = args.count();
        if (is(1, ID) && argc == 2) {
            reply.integer(id());
        } else if (is(1, GETNAME) && argc == 2) {
            if (name == null) {
                reply.nullBulk();
            } else {
                reply.bulk(name, 0, name.length);
            }
        } else if (is(1, SETNAME) && argc == 3) {
            if (!validName(2)) {
                reply.error(BAD_NAME);
                return;
            }
            name = args.length(2) == 0 ? null : copy(2);
            reply.raw(ReplyWriter.OK);
        } else if (is(1, SETINFO) && argc == 4 && libAttribute(args.text(2, 16))) {
            reply.raw(ReplyWriter.OK); // taken, not kept: CLIENT LIST and CLIENT INFO are not offered
        } else if (is(1, ID) || is(1, GETNAME) || is(1, SETNAME) || is(1, SETINFO)) {
            reply.error("ERR wrong number of arguments for 'client|"
                    + args.text(1, 32).toLowerCase(java.util.Locale.ROOT) + "' command");
        } else {
            reply.error("ERR unknown subcommand '" + args.text(1, 128) + "'. Try CLIENT HELP.");
        }
    }

    /** {@code LIB-NAME} or {@code LIB-VER}, any case ({@link Ascii#equalsIgnoreCase} is for letters only). */
    private static boolean libAttribute(String attribute) {
        return attribute.equalsIgnoreCase("LIB-NAME") || attribute.equalsIgnoreCase("LIB-VER");
    }

    private long id() {
        if (clientId == 0) {
            clientId = CLIENT_IDS.incrementAndGet();
        }
        return clientId;
    }

    /** redis: a name is printable ASCII without spaces ({@code '!'} to {@code '~'}). */
    private boolean validName(int arg) {
        byte[] a = args.bytes();
        for (int i = args.start(arg), end = i + args.length(arg); i < end; i++) {
            if (a[i] < '!' || a[i] > '~') {
                return false;
            }
        }
        return true;
    }

    private byte[] copy(int arg) {
        return Arrays.copyOfRange(args.bytes(), args.start(arg), args.start(arg) + args.length(arg));
    }

    private void field(String key, String value) {
        reply.bulk(ReplyWriter.ascii(key));
        reply.bulk(ReplyWriter.ascii(value));
    }

    private boolean is(int arg, byte[] upper) {
        return Ascii.equalsIgnoreCase(args.bytes(), args.start(arg), args.length(arg), upper);
    }

    /** Checks the password at {@code pass} for the user at {@code user} (-1: none given, the default user). */
    private boolean check(int user, int pass) {
        byte[] expected = keyspace.requirePass();
        boolean defaultUser = user < 0 || is(user, DEFAULT_USER);
        byte[] given = Arrays.copyOfRange(args.bytes(), args.start(pass), args.start(pass) + args.length(pass));
        // Compared whatever the user: the time taken tells nothing about the password.
        boolean match = MessageDigest.isEqual(expected, given);
        if (defaultUser && match) {
            authenticated = true;
            return true;
        }
        return false;
    }
}
