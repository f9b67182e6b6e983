package io.magnetar.protocol.resp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.resp.RespServerLimits;
import io.magnetar.protocols.Connection;
import io.magnetar.protocols.testing.FakeTransport;
import io.magnetar.protocols.testing.ManualLoop;
import java.lang.annotation.Annotation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespProtocolFactoryTest {

    private final RespProtocolFactory factory = new RespProtocolFactory();

    @AfterEach
    void deactivate() {
        factory.deactivate();
    }

    private static RespProtocolFactory.Config config(
            int maxBulk, int maxArgs, int maxInline, int maxFrame, long sweepMillis) {
        return new RespProtocolFactory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RespProtocolFactory.Config.class;
            }

            @Override
            public int maxBulkLength() {
                return maxBulk;
            }

            @Override
            public int maxArgs() {
                return maxArgs;
            }

            @Override
            public int maxInlineLength() {
                return maxInline;
            }

            @Override
            public int maxFrameBytes() {
                return maxFrame;
            }

            @Override
            public long expirySweepMillis() {
                return sweepMillis;
            }

            @Override
            public long maxMemory() {
                return -1;
            }

            @Override
            public long maxClientInputBytes() {
                return -1;
            }

            @Override
            public String requirepass() {
                return "";
            }
        };
    }

    @Test
    void unconfiguredFactoryUsesTheDefaultLimitsAndMakesServerConnections() {
        assertThat(factory.limits()).isEqualTo(RespServerLimits.DEFAULTS);
        assertThat(factory.newProtocol()).isInstanceOf(Connection.class).isInstanceOf(RespServerConnection.class);
    }

    @Test
    void configurationBecomesTheLimitsOfNewConnectionsAndTheStoreStays() {
        factory.activate(config(100, 10, 200, 1000, 0));
        assertThat(factory.limits()).isEqualTo(new RespServerLimits(100, 10, 200, 1000));
        assertThat(factory.isSweeping()).isFalse();

        InMemoryServer.Client before = connect();
        assertThat(before.call("SET", "k", "v")).isEqualTo("OK");
        factory.modified(config(50, 5, 100, 500, 0));
        assertThat(factory.limits()).isEqualTo(new RespServerLimits(50, 5, 100, 500));
        assertThat(RespServerCommandsTest.v(connect().call("GET", "k")))
                .as("one store for the component's life")
                .isEqualTo("v");
    }

    @Test
    void theSweepRemovesExpiredKeysNobodyReadsAndStopsOnDeactivation() {
        factory.activate(config(100, 10, 200, 1000, 1));
        assertThat(factory.isSweeping()).isTrue();
        assertThat(connect().call("SET", "gone", "soon", "PX", "1")).isEqualTo("OK");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (factory.store().size() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(factory.store().size()).isZero();

        factory.deactivate();
        assertThat(factory.isSweeping()).isFalse();
    }

    private InMemoryServer.Client connect() {
        RespServerConnection c = (RespServerConnection) factory.newProtocol();
        return new InMemoryServer.Client(c, new FakeTransport(new ManualLoop(), c).connect());
    }
}
