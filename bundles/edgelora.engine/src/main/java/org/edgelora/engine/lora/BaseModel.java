package org.edgelora.engine.lora;

/**
 * The loaded base model as a service: an adapter pool sizes its slots from it and checks adapters
 * against it. Published by the engine's model component, before the engine itself starts, so that
 * the engine can in turn use the pool.
 */
public interface BaseModel {

    BaseModelGeometry geometry();
}
