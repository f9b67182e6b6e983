package io.magnetar.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Socket options of a listening or connecting endpoint, plus transport-specific properties
 * (TLS key stores and the like) passed through untouched.
 *
 * <p>Immutable.
 */
public final class Endpoint {

    private final String host;
    private final int port;
    private final int backlog;
    private final boolean reuseAddress;
    private final boolean reusePort;
    private final boolean tcpNoDelay;
    private final Duration connectTimeout;
    private final Map<String, Object> properties;

    private Endpoint(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.backlog = b.backlog;
        this.reuseAddress = b.reuseAddress;
        this.reusePort = b.reusePort;
        this.tcpNoDelay = b.tcpNoDelay;
        this.connectTimeout = b.connectTimeout;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    }

    /** A builder with the defaults: 127.0.0.1, port 0, backlog 1024, reuse-address and no-delay on. */
    public static Builder builder() {
        return new Builder();
    }

    /** Shortcut for {@code builder().host(host).port(port).build()}. */
    public static Endpoint of(String host, int port) {
        return builder().host(host).port(port).build();
    }

    /** A builder starting from this endpoint's values. */
    public Builder toBuilder() {
        Builder b = new Builder()
                .host(host)
                .port(port)
                .backlog(backlog)
                .reuseAddress(reuseAddress)
                .reusePort(reusePort)
                .tcpNoDelay(tcpNoDelay)
                .connectTimeout(connectTimeout);
        b.properties.putAll(properties);
        return b;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port} resolved now (may block on DNS for a host name). */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    public int backlog() {
        return backlog;
    }

    public boolean reuseAddress() {
        return reuseAddress;
    }

    public boolean reusePort() {
        return reusePort;
    }

    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Transport-specific properties, never {@code null}. */
    public Map<String, Object> properties() {
        return properties;
    }

    /** A property as a string, or {@code fallback} when absent. */
    public String property(String key, String fallback) {
        Object v = properties.get(key);
        return v == null ? fallback : v.toString();
    }

    @Override
    public String toString() {
        return "Endpoint[" + host + ":" + port + ", backlog=" + backlog + "]";
    }

    /** Builds an {@link Endpoint}. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int backlog = 1024;
        private boolean reuseAddress = true;
        private boolean reusePort;
        private boolean tcpNoDelay = true;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Builder() {}

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        public Builder tcpNoDelay(boolean on) {
            this.tcpNoDelay = on;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        public Builder property(String key, Object value) {
            properties.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        public Builder properties(Map<String, ?> values) {
            properties.putAll(values);
            return this;
        }

        public Endpoint build() {
            return new Endpoint(this);
        }
    }
}
