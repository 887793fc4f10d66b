/**
 * The request path every ingress shares: tenant policy, admission, adapter choice and authorization in
 * front of the inference engine, and the observers that see every finished request.
 */
@Export
@Version("0.1.0")
package org.edgelora.api.gateway;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
