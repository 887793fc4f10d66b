package org.edgelora.adapters.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.edgelora.adapters}, file {@code runtime-config/org.edgelora.adapters.cfg}. */
@ObjectClassDefinition(
        id = AdapterExtender.PID,
        name = "EdgeLoRA adapter bundles",
        description = "Where adapter bundles' weights are unpacked and where the adapter repository is")
public @interface ExtenderConfiguration {

    @AttributeDefinition(name = "Unpack folder",
            description = "Adapter bundles' weights are copied here to be read; emptied at start. "
                    + "Empty means <edgelora.data>/adapter-bundles")
    String unpackDir() default "";

    @AttributeDefinition(name = "Adapter repository index",
            description = "The OSGi repository index (index.xml) of adapter bundles that the shell installs from by name; "
                    + "empty means none")
    String repository() default "";
}
