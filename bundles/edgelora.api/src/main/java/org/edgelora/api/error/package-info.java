/** Errors a client can cause or meet, each with a stable code. */
@Export
@Version("0.1.0")
package org.edgelora.api.error;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
