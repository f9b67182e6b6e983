/**
 * Framing codecs for protocol authors: line, delimiter, length-field and fixed-length decoders that hand
 * over frames without copying them when they lie within one read, and encoders that write a frame with
 * one write. Every decoder has a maximum frame size ({@link io.magnetar.protocols.codec.FrameTooLongException}).
 * {@link io.magnetar.protocols.codec.PendingOutput} (1.2) batches a connection's replies in the loop thread's
 * shared buffers, so an idle connection holds no output buffer.
 * In {@code magnetar-protocols} rather than a bundle of its own: every protocol bundle uses them, and a
 * protocol bundle depends on {@code api} and {@code protocols} only.
 */
@Export
@Version("1.2.0")
package io.magnetar.protocols.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
