package org.edgelora.engine.lora;

import org.edgelora.api.adapter.AdapterPool;

/**
 * An adapter pool whose slots the engine's graph reads directly: the leases it hands out name
 * slots of these tensors.
 */
public interface SlotPool extends AdapterPool, LoraSlots {
}
