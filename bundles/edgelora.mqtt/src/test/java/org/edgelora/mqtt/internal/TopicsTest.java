package org.edgelora.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void requestTopicsNameTheTenant() {
        Topics topics = new Topics("edgelora", "");
        assertEquals("edgelora/+/req", topics.requestFilter());
        assertEquals(Optional.of("acme"), topics.tenantOf("edgelora/acme/req"));
        assertEquals(Optional.empty(), topics.tenantOf("edgelora//req"));
        assertEquals(Optional.empty(), topics.tenantOf("edgelora/acme/res"));
        assertEquals(Optional.empty(), topics.tenantOf("other/acme/req"));
        assertEquals("edgelora/acme/res/r-1", topics.replyTopic("acme", "r-1"));
    }

    @Test
    void aSharedGroupSplitsTheSubscriptionAndAPrefixMayHaveLevels() {
        Topics topics = new Topics("site/7/llm", "gateways");
        assertEquals("$share/gateways/site/7/llm/+/req", topics.requestFilter());
        assertEquals(Optional.of("acme"), topics.tenantOf("site/7/llm/acme/req"));
    }

    @Test
    void wildcardsInThePrefixOrGroupAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Topics("edge/#", ""));
        assertThrows(IllegalArgumentException.class, () -> new Topics("edge/", ""));
        assertThrows(IllegalArgumentException.class, () -> new Topics("edge", "a/b"));
    }
}
