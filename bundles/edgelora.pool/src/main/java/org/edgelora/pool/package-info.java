/**
 * LoRA adapters from disk into a fixed pool of pre-allocated slots: the adapter file readers
 * (llama.cpp GGUF and PEFT), their validation against the base model, the slot memory, and the
 * adapter cache with its loader thread.
 */
@Export
@Version("0.1.0")
package org.edgelora.pool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
