/** Choosing an adapter for a prompt that names none. */
@Export
@Version("0.2.0")
package org.edgelora.api.selector;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
