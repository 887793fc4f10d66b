package org.edgelora.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.edgelora.api.gateway.AdapterChoice;
import org.junit.jupiter.api.Test;

class TenantPolicyTest {

    @Test
    void theEmbeddedDefaultAllowsEveryAdapterAndChoosesAutomatically() {
        TenantPolicy policy = TenantPolicy.parse("default|*|auto");
        assertEquals("default", policy.tenant());
        assertTrue(policy.allows("anything"));
        assertEquals(new AdapterChoice.Auto(), policy.defaultChoice());
    }

    @Test
    void aListedTenantMayUseOnlyItsAdapters() {
        TenantPolicy policy = TenantPolicy.parse("acme| sql , summarize |sql");
        assertTrue(policy.allows("sql"));
        assertTrue(policy.allows("summarize"));
        assertFalse(policy.allows("chat"));
        assertEquals(new AdapterChoice.Named("sql"), policy.defaultChoice());
    }

    @Test
    void theDefaultIsAutoWhenLeftOutAndBaseWhenAsked() {
        assertEquals(new AdapterChoice.Auto(), TenantPolicy.parse("acme|sql").defaultChoice());
        assertEquals(new AdapterChoice.Base(), TenantPolicy.parse("acme||base").defaultChoice());
        assertFalse(TenantPolicy.parse("acme||base").allows("sql"));
    }

    @Test
    void malformedEntriesAreRefusedWithTheExpectedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TenantPolicy.parse("acme"));
        assertTrue(e.getMessage().contains("<tenant>|"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TenantPolicy.parse("|*|auto"));
        assertThrows(IllegalArgumentException.class, () -> TenantPolicy.parse("acme|sql|chat"), "a default it may not use");
    }

    @Test
    void apiKeysMustNameConfiguredTenantsOnce() {
        Map<String, TenantPolicy> tenants = GatewayComponent.tenants(new String[] {"default|*|auto", "acme|sql|sql"});
        assertEquals(Map.of("k1", "acme", "k2", "default"),
                GatewayComponent.apiKeys(new String[] {"k1=acme", " k2 = default"}, tenants));
        assertThrows(IllegalArgumentException.class, () -> GatewayComponent.apiKeys(new String[] {"k1=nobody"}, tenants));
        assertThrows(IllegalArgumentException.class, () -> GatewayComponent.apiKeys(new String[] {"k1=acme", "k1=default"}, tenants));
        assertThrows(IllegalArgumentException.class, () -> GatewayComponent.apiKeys(new String[] {"=acme"}, tenants));
        assertThrows(IllegalArgumentException.class, () -> GatewayComponent.tenants(new String[] {"a|*", "a|x"}));
    }
}
