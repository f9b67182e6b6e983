package io.magnetar.protocol.resp.internal;

import io.magnetar.api.Protocol;
import io.magnetar.api.ProtocolFactory;
import io.magnetar.protocol.resp.RespServer;
import io.magnetar.protocol.resp.RespServerLimits;
import io.magnetar.protocol.resp.RespStore;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code magnetar.protocol=resp} service: one RESP server connection per accepted socket, all on
 * one in-memory {@link RespStore} that lives as long as this component, within the configured limits
 * (PID {@code io.magnetar.protocol.resp}; a change applies to new connections). A thread
 * {@code magnetar-resp-expiry}, started on activation and stopped on deactivation, sweeps expired keys.
 *
 * <p>Thread-safe.
 */
@Component(configurationPid = RespProtocolFactory.PID, property = ProtocolFactory.PROTOCOL + "=resp")
@Designate(ocd = RespProtocolFactory.Config.class)
public final class RespProtocolFactory implements ProtocolFactory {

    static final String PID = "io.magnetar.protocol.resp";
    private static final System.Logger LOG = System.getLogger(RespProtocolFactory.class.getName());

    @ObjectClassDefinition(name = "Magnetar RESP server")
    @interface Config {
        @AttributeDefinition(description = "Longest argument (bulk string) of a command, in bytes")
        int maxBulkLength() default 16 << 20;

        @AttributeDefinition(description = "Most arguments of one command, its name included")
        int maxArgs() default 1 << 20;

        @AttributeDefinition(description = "Longest inline command line, in bytes")
        int maxInlineLength() default 64 << 10;

        @AttributeDefinition(description = "Most argument bytes of one command, all arguments together")
        int maxFrameBytes() default 64 << 20;

        @AttributeDefinition(
                description = "maxmemory: estimated bytes of keys and values past which writes get -OOM; "
                        + "-1 (the default) is a quarter of the maximum heap, 0 no limit")
        long maxMemory() default -1;

        @AttributeDefinition(
                description = "Bytes all connections together may hold of commands still arriving; a connection "
                        + "that would pass it is refused and closed; -1 (the default) is a quarter of the "
                        + "maximum heap, 0 no limit")
        long maxClientInputBytes() default -1;

        @AttributeDefinition(
                type = AttributeType.PASSWORD,
                description = "requirepass: clients must AUTH with it before any other command; empty: none")
        String requirepass() default "";

        @AttributeDefinition(description = "Milliseconds between sweeps of expired keys; 0 removes them only when read")
        long expirySweepMillis() default 1000;
    }

    private final RespStore store = new RespStore();
    private volatile RespServerLimits limits = RespServerLimits.DEFAULTS;
    private ScheduledExecutorService sweeper;
    private ScheduledFuture<?> sweep;
    private long sweepMillis = -1;

    @Activate
    synchronized void activate(Config config) {
        sweeper = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "magnetar-resp-expiry");
            t.setDaemon(true);
            return t;
        });
        modified(config);
    }

    @Modified
    synchronized void modified(Config config) {
        limits = new RespServerLimits(
                config.maxBulkLength(), config.maxArgs(), config.maxInlineLength(), config.maxFrameBytes());
        long quarterHeap = Runtime.getRuntime().maxMemory() / 4;
        store.maxMemory(config.maxMemory() < 0 ? quarterHeap : config.maxMemory());
        store.maxClientInput(config.maxClientInputBytes() < 0 ? quarterHeap : config.maxClientInputBytes());
        store.requirePass(config.requirepass());
        long every = config.expirySweepMillis();
        if (every != sweepMillis && sweeper != null) {
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
            if (every > 0) {
                sweep = sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
            }
            sweepMillis = every;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
            sweep = null;
            sweepMillis = -1;
        }
    }

    private void sweep() {
        try {
            store.removeExpired();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log it and keep sweeping.
            LOG.log(Level.WARNING, "sweeping expired RESP keys failed", e);
        }
    }

    /** The limits new connections get. */
    public RespServerLimits limits() {
        return limits;
    }

    /** The store every connection of this factory shares. */
    public RespStore store() {
        return store;
    }

    /** True while the expiry sweep is scheduled (tests check deactivation stops it). */
    synchronized boolean isSweeping() {
        return sweep != null && !sweeper.isShutdown();
    }

    @Override
    public Protocol newProtocol() {
        return RespServer.newConnection(store, limits);
    }
}
