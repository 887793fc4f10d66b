/**
 * What an adapter bundle declares in its manifest, shared by the extender that serves such
 * bundles and the tool that packages them.
 */
@Export
@Version("0.1.0")
package org.edgelora.adapters;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
