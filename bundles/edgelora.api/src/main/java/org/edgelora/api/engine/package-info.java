/** The inference engine: one base model, requests that may each name their own LoRA adapter, results and their timings. */
@Export
@Version("0.2.0")
package org.edgelora.api.engine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
