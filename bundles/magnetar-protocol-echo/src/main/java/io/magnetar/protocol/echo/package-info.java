/**
 * pulsar's echo example: messages end with {@code \r\n\r\n}; the server writes each back and closes
 * on {@code QUIT}.
 */
@Export
@Version("1.0.0")
package io.magnetar.protocol.echo;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
