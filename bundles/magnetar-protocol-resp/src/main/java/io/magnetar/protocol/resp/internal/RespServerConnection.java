package io.magnetar.protocol.resp.internal;

import io.magnetar.api.EventLoop;
import io.magnetar.api.StreamTransport;
import io.magnetar.api.Transport;
import io.magnetar.protocol.resp.RespServerLimits;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.LingeringClose;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The per-connection state of a RESP server: parser, reply buffer, command layer, and the one way a
 * connection ends on bad input (an {@code -ERR Protocol error} reply, then a lingering close). Each
 * command is one {@link RespServerConsumer} exchange; everything that outlives a command lives here, so
 * that a command costs no parser or buffer allocation. The replies to the commands of one read are
 * written together when the read has been processed.
 *
 * <p>Confined to its transport's event loop (as {@link Connection}).
 */
public final class RespServerConnection extends Connection {

    private static final System.Logger LOG = System.getLogger(RespServerConnection.class.getName());
    /**
     * After a protocol error the connection shuts its output and reads (and drops) what the client still
     * sends for this long, or this many bytes, before it closes: closing with unread input makes the
     * kernel send RST, which can destroy the error reply before the client read it.
     */
    static final Duration LINGER = LingeringClose.DEFAULT_TIME;

    private final ServerStats stats;
    private final CommandParser parser;
    private final ReplyWriter writer = new ReplyWriter();
    private final ServerCommands serverCommands;
    private final Commands commands;
    private final Isolation.Hold hold;
    private int commandsThisRead;
    private final LingeringClose linger = new LingeringClose();
    private volatile String closeReason;
    /** Its transport's loop, for a close asked from another thread ({@link #evict}). */
    private volatile EventLoop loop;

    private RespServerConnection(Keyspace keyspace, ServerStats stats, RespServerLimits limits, Consumers consumers) {
        super(consumers);
        this.stats = stats;
        this.parser = new CommandParser(limits, keyspace.inputBudget(), new InputBudget.Share(this::evict));
        this.serverCommands = new ServerCommands(keyspace, writer, stats);
        this.hold = keyspace.isolation().hold();
        this.commands = new Commands(parser.args(), writer, keyspace, serverCommands, hold);
        parser.guardUnauthenticated(commands::mustAuthenticate);
    }

    /** A server connection on {@code keyspace}, counting into {@code stats}, within {@code limits}. */
    public static RespServerConnection create(Keyspace keyspace, ServerStats stats, RespServerLimits limits) {
        Consumers consumers = new Consumers();
        RespServerConnection c = new RespServerConnection(keyspace, stats, limits, consumers);
        consumers.owner = c;
        return c;
    }

    /** Makes the consumer of each command; the connection cannot be named in its own super() call. */
    private static final class Consumers implements Supplier<RespServerConsumer> {
        RespServerConnection owner;

        @Override
        public RespServerConsumer get() {
            return new RespServerConsumer(owner);
        }
    }

    @Override
    public void connectionMade(StreamTransport t) {
        writer.attach(t);
        loop = t.loop();
        if (t.extraInfo(Transport.SOCKNAME) instanceof InetSocketAddress local) {
            serverCommands.port(local.getPort());
        }
        stats.connectionMade();
        super.connectionMade(t);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        assert transport().loop().inEventLoop() : "dataReceived off the loop";
        if (linger.discard(data)) {
            return;
        }
        // Another connection's EXEC runs between this read's commands and the next read's, never among them.
        hold.enter();
        try {
            super.dataReceived(data);
        } finally {
            hold.exit();
        }
        stats.commandsProcessed(commandsThisRead);
        commandsThisRead = 0;
        // The replies to every command of this read leave together.
        writer.flush();
    }

    @Override
    public boolean eofReceived() {
        if (!linger.isLingering() && !parser.isIdle()) {
            LOG.log(Level.DEBUG, "{0} half-closed in the middle of a command", address());
        }
        return false; // every reply is flushed at the end of its read: nothing is left to answer
    }

    @Override
    public void pauseWriting() {
        super.pauseWriting();
        // A client that pipelines but does not read must not grow our buffers: stop reading its commands.
        transport().pauseReading();
    }

    @Override
    public void resumeWriting() {
        super.resumeWriting();
        if (!linger.isLingering() && !isClosed()) {
            transport().resumeReading();
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        linger.cancel();
        commands.connectionLost();
        parser.args().release();
        writer.release(); // a read that threw may have left it holding the loop's buffer
        stats.connectionLost();
        super.connectionLost(cause);
    }

    CommandParser parser() {
        return parser;
    }

    /** Runs the command the parser holds and counts it; returns it, or null when unknown. */
    Command execute() {
        commandsThisRead++;
        return commands.run();
    }

    /** {@code QUIT}: its {@code +OK} goes out, commands pipelined after it are dropped, then the close. */
    void quit(ByteBuffer data) {
        data.position(data.limit());
        writer.flush();
        transport().close();
    }

    /** Why the server closed this connection ({@code "Protocol error: invalid bulk length"}), or null. */
    public String closeReason() {
        return closeReason;
    }

    /** The largest the parser's arena has been, in bytes. */
    public int peakArena() {
        return parser.peakArena();
    }

    /** The largest the parser's argument index has been, in entries. */
    public int peakArgs() {
        return parser.peakArgs();
    }

    /**
     * Ends the connection on input that is not RESP or breaks a limit: replies {@code -ERR reason} after
     * the replies already due, drops the rest of {@code data} (nothing after it can be framed), and closes
     * after lingering. Logged at DEBUG for a client's fault (a hostile client must not flood the log),
     * WARNING with {@code error} for a fault of ours.
     */
    void refuse(ByteBuffer data, String reason, Throwable error) {
        closeReason = reason;
        if (error != null) {
            LOG.log(Level.WARNING, "closing " + address() + ": " + reason, error);
        } else {
            LOG.log(Level.DEBUG, "closing {0}: {1}", address(), reason);
        }
        data.position(data.limit());
        writer.error("ERR " + reason);
        writer.flush();
        linger.start(transport());
    }

    /** Closed for holding the most input when all connections' input passed the limit; any thread. */
    private void evict(String reason) {
        EventLoop l = loop;
        if (l == null) {
            return;
        }
        try {
            l.execute(() -> {
                if (!isClosed() && !linger.isLingering()) {
                    refuse(ByteBuffer.allocate(0), reason, null);
                    parser.args().release(); // the reply is queued: the arena's bytes can go now
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the loop is shutting down and closes this connection anyway
        }
    }

    boolean isLingering() {
        return linger.isLingering();
    }
}
