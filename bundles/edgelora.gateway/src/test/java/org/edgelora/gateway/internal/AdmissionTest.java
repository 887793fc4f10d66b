package org.edgelora.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.OverloadedException;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void aTenantBeyondItsBoundIsRefusedWhileOthersAreStillAdmitted() {
        Admission admission = new Admission(10, 2, 3);
        admission.admit("a");
        admission.admit("a");
        OverloadedException refused = assertThrows(OverloadedException.class, () -> admission.admit("a"));
        assertEquals(ErrorCode.OVERLOADED, refused.code());
        assertEquals(3, refused.retryAfterSeconds());
        admission.admit("b");
        assertEquals(3, admission.stats().inFlight());
        assertEquals(Map.of("a", 2, "b", 1), admission.stats().inFlightByTenant());
    }

    @Test
    void theGlobalBoundHoldsOverAllTenantsAndReleasesMakeRoom() {
        Admission admission = new Admission(2, 2, 1);
        admission.admit("a");
        admission.admit("b");
        assertThrows(OverloadedException.class, () -> admission.admit("c"));
        admission.release("a");
        admission.admit("c");
        assertEquals(Map.of("b", 1, "c", 1), admission.stats().inFlightByTenant());
    }

    @Test
    void releasingAPlaceNotHeldIsABug() {
        assertThrows(IllegalStateException.class, () -> new Admission(1, 1, 1).release("a"));
    }
}
