package org.edgelora.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;

import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.AdapterChoice;
import org.junit.jupiter.api.Test;

/** Without the adapter pool and the selector services, as while batched LoRA is not deployed. */
class AdapterResolverTest {

    private static final Prompt PROMPT = new Prompt.Text("hello");
    private final AdapterResolver withoutServices = new AdapterResolver(null, null);

    @Test
    void baseAndAutoRunOnTheBaseModelWithoutAPoolOrSelector() {
        TenantPolicy policy = TenantPolicy.parse("default|*|auto");
        assertEquals(Optional.empty(), withoutServices.resolve("r", policy, new AdapterChoice.Base(), PROMPT));
        assertEquals(Optional.empty(), withoutServices.resolve("r", policy, new AdapterChoice.Auto(), PROMPT));
        assertEquals(Optional.empty(), withoutServices.resolve("r", policy, new AdapterChoice.TenantDefault(), PROMPT));
    }

    @Test
    void aNamedAdapterWithoutAPoolIsUnknown() {
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> withoutServices.resolve(
                "r", TenantPolicy.parse("default|*|auto"), new AdapterChoice.Named("sql"), PROMPT));
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, e.code());
    }

    @Test
    void anAdapterOutsideTheTenantsListIsForbiddenBeforeAnythingElse() {
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> withoutServices.resolve(
                "r", TenantPolicy.parse("acme|sql|base"), new AdapterChoice.Named("chat"), PROMPT));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
    }

    @Test
    void autoWithoutASelectorFallsBackToTheTenantsNamedDefault() {
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> withoutServices.resolve(
                "r", TenantPolicy.parse("acme|sql|sql"), new AdapterChoice.Auto(), PROMPT));
        assertEquals(ErrorCode.UNKNOWN_ADAPTER, e.code(), "the default 'sql' is tried, and without a pool it is unknown");
    }

    @Test
    void theSelectorScoresTheLastUserMessageOfAChat() {
        Prompt chat = new Prompt.Chat(List.of(new Prompt.ChatMessage("system", "be brief"),
                new Prompt.ChatMessage("user", "write SQL"), new Prompt.ChatMessage("assistant", "ok")));
        assertEquals("write SQL", AdapterResolver.selectorText(chat));
    }

    @Test
    void autoCannotChooseForAPromptOfTokenIds() {
        EdgeLoraException e = assertThrows(EdgeLoraException.class, () -> AdapterResolver.selectorText(new Prompt.Tokens(new int[] {1, 2})));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }
}
