package io.magnetar.protocol.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocol.http.HttpLimits;
import io.magnetar.protocols.Connection;
import java.lang.annotation.Annotation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpProtocolFactoryTest {

    @Test
    void unconfiguredFactoryUsesTheDefaultLimits() {
        HttpProtocolFactory factory = new HttpProtocolFactory();

        assertThat(factory.limits()).isEqualTo(HttpLimits.defaults());
        assertThat(factory.newProtocol()).isInstanceOf(Connection.class);
    }

    @Test
    void configurationBecomesTheLimitsOfNewConnections() {
        HttpProtocolFactory factory = new HttpProtocolFactory();

        factory.configure(new HttpProtocolFactory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return HttpProtocolFactory.Config.class;
            }

            @Override
            public int maxRequestLine() {
                return 100;
            }

            @Override
            public int maxHeaderBytes() {
                return 200;
            }

            @Override
            public int maxHeaderCount() {
                return 3;
            }

            @Override
            public int maxBody() {
                return 400;
            }

            @Override
            public long headerTimeoutMillis() {
                return 500;
            }

            @Override
            public double keepAliveTimeout() {
                return 1.5;
            }

            @Override
            public double bodyTimeout() {
                return 2;
            }
        });

        assertThat(factory.limits())
                .isEqualTo(HttpLimits.builder()
                        .maxRequestLine(100)
                        .maxHeaderBytes(200)
                        .maxHeaderCount(3)
                        .maxBody(400)
                        .headerTimeout(Duration.ofMillis(500))
                        .keepAliveTimeout(Duration.ofMillis(1500))
                        .bodyTimeout(Duration.ofSeconds(2))
                        .build());
    }
}
