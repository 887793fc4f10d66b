/**
 * The checks every ingress applies to a request's JSON fields, so that HTTP and MQTT clients get the
 * same answer to the same mistake.
 */
@Export
@Version("0.1.0")
package org.edgelora.api.gateway.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
