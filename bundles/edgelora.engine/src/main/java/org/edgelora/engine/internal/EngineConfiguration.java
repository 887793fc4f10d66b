package org.edgelora.engine.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.edgelora.engine}, file {@code runtime-config/org.edgelora.engine.cfg}. */
@ObjectClassDefinition(
        id = EngineComponent.PID,
        name = "EdgeLoRA inference engine",
        description = "The base model and how the engine runs it")
public @interface EngineConfiguration {

    @AttributeDefinition(name = "Model path",
            description = "A Llama-family GGUF file; empty serves a generated demo model with random weights")
    String modelPath() default "";

    @AttributeDefinition(name = "Sequence slots", min = "1", max = "256",
            description = "Requests that decode at once, each with its own KV cache slot")
    int sequenceSlots() default 4;

    @AttributeDefinition(name = "Context per slot", min = "16",
            description = "Tokens one request may hold (prompt and output); capped to the model's context")
    int contextPerSlot() default 2048;

    @AttributeDefinition(name = "Threads", min = "0", description = "Compute threads; 0 uses every core")
    int threads() default 0;

    @AttributeDefinition(name = "Step token budget", min = "1",
            description = "Most tokens one decode step computes: decoding tokens plus prompt chunks")
    int stepTokenBudget() default 256;

    @AttributeDefinition(name = "KV cache type",
            options = {@Option(label = "F16 (half the memory)", value = "F16"), @Option(label = "F32 (exact)", value = "F32")})
    String kvCacheType() default "F16";
}
