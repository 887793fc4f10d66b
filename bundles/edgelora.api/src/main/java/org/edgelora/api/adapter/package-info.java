/** LoRA adapters and the pre-allocated pool of slots that holds the resident ones. */
@Export
@Version("0.1.0")
package org.edgelora.api.adapter;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
