package io.magnetar.tcp.internal;

import io.magnetar.api.EventLoop;
import io.magnetar.loop.SelectorEventLoop;

/** The selector loop behind an {@link EventLoop}: TCP channels register with one. Stateless. */
public final class Loops {

    private Loops() {}

    /** {@code loop} as a {@link SelectorEventLoop}; refuses any other kind. */
    public static SelectorEventLoop selectorLoop(EventLoop loop) {
        if (loop instanceof SelectorEventLoop s) {
            return s;
        }
        throw new IllegalArgumentException("TCP transports need SelectorEventLoops, got " + loop);
    }
}
