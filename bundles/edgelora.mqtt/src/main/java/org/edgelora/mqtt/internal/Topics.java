package org.edgelora.mqtt.internal;

import java.util.Optional;
import java.util.regex.Pattern;

/** The gateway's topics under one prefix: {@code <prefix>/<tenant>/req} in, {@code <prefix>/<tenant>/res/<id>} out. */
record Topics(String prefix, String sharedGroup) {

    private static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    Topics {
        if (prefix.isEmpty() || prefix.contains("+") || prefix.contains("#") || prefix.startsWith("$")
                || prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("topicPrefix '" + prefix
                    + "' must be a non-empty topic without wildcards, '$' or a leading or trailing '/'");
        }
        if (!sharedGroup.isEmpty() && !LEVEL.matcher(sharedGroup).matches()) {
            throw new IllegalArgumentException("sharedGroup must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    /** What the gateway subscribes to. */
    String requestFilter() {
        String filter = prefix + "/+/req";
        return sharedGroup.isEmpty() ? filter : "$share/" + sharedGroup + "/" + filter;
    }

    /** The tenant of a request topic; empty when the topic is not one of the gateway's request topics. */
    Optional<String> tenantOf(String topic) {
        String start = prefix + "/";
        String end = "/req";
        if (!topic.startsWith(start) || !topic.endsWith(end) || topic.length() <= start.length() + end.length()) {
            return Optional.empty();
        }
        String tenant = topic.substring(start.length(), topic.length() - end.length());
        return LEVEL.matcher(tenant).matches() ? Optional.of(tenant) : Optional.empty();
    }

    /** Where a request's replies go when it names no response topic (MQTT 3.1.1 clients). */
    String replyTopic(String tenant, String requestId) {
        return prefix + "/" + tenant + "/res/" + requestId;
    }

    /** Where errors about requests without a usable id go, when they name no response topic. */
    String errorTopic(String tenant) {
        return prefix + "/" + tenant + "/err";
    }
}
