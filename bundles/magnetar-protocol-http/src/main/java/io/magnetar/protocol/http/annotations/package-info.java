/**
 * Declarative Services component property types for HTTP handler authors, so that no component spells
 * a whiteboard property string: {@code @HttpPath}, {@code @HttpMethod}, {@code @HttpBlocking},
 * {@code @HttpEndpoint}. Compile-time only (class retention): a handler bundle imports nothing of it.
 */
@Export
@Version("1.0.0")
package io.magnetar.protocol.http.annotations;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
