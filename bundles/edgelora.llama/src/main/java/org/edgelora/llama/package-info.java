/** The llama.cpp / ggml native library that java-llama.cpp ships, for engines that call it through FFM. */
@Export
@Version("0.1.0")
package org.edgelora.llama;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
