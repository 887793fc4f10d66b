/** How the gateway reports the state of its own parts, to the shell and to health endpoints alike. */
@Export
@Version("0.1.0")
package org.edgelora.api.status;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
