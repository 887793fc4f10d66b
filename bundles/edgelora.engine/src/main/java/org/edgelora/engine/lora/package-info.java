/**
 * What the engine and an adapter pool share: the base model's geometry, which adapters must fit,
 * and the pool's slot tensors, which the engine's graph multiplies with. The engine defines these
 * and a pool implements them, so the engine runs without a pool and a pool never needs the engine's
 * internals.
 */
@Export
@Version("0.1.0")
package org.edgelora.engine.lora;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
