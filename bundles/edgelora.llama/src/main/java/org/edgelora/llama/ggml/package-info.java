/**
 * Typed FFM bindings to the ggml, gguf and llama.cpp functions of the native library that the engine
 * and the adapter pool use. Every shape, size and index is checked in Java before a call: a failed
 * ggml check aborts the process.
 */
@Export
@Version("0.1.0")
package org.edgelora.llama.ggml;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
