package io.magnetar.protocols.codec;

import java.nio.ByteBuffer;

/**
 * Receives decoded frames. Called on the decoding connection's loop.
 */
@FunctionalInterface
public interface FrameSink {

    /**
     * One frame: its bytes are {@code frame}'s remaining bytes, valid only during the call (it may be the
     * read buffer itself, narrowed to the frame); read them (moving its position or limit is fine: the
     * decoder resets both after the call), do not keep the buffer.
     */
    void frame(ByteBuffer frame);
}
