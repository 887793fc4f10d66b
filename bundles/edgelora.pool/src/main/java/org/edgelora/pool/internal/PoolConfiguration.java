package org.edgelora.pool.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.edgelora.pool}, file {@code runtime-config/org.edgelora.pool.cfg}. */
@ObjectClassDefinition(
        id = PoolComponent.PID,
        name = "EdgeLoRA adapter pool",
        description = "The pre-allocated LoRA adapter slots and where adapters come from")
public @interface PoolConfiguration {

    @AttributeDefinition(name = "Slots", min = "1", max = "4096",
            description = "Adapters resident at once; each slot's memory is allocated at start")
    int slots() default 8;

    @AttributeDefinition(name = "Maximum rank", min = "1", max = "1024",
            description = "The largest adapter rank a slot holds; lower ranks are zero-padded")
    int maxRank() default 16;

    @AttributeDefinition(name = "Target modules",
            description = "Projections the slots hold LoRA weights for, comma-separated: q, k, v, o, gate, up, down")
    String targets() default "q,k,v,o";

    @AttributeDefinition(name = "Element type",
            options = {@Option(label = "F16 (half the memory)", value = "F16"), @Option(label = "F32 (exact)", value = "F32")})
    String elementType() default "F16";

    @AttributeDefinition(name = "Adapter directory",
            description = "Each *.gguf file and PEFT directory in it is registered under its file name; "
                    + "empty means <edgelora.data>/adapters")
    String adapterDir() default "";
}
