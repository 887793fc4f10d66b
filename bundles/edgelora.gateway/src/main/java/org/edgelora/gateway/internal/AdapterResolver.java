package org.edgelora.gateway.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.engine.Prompt;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.AdapterChoice;
import org.edgelora.api.selector.AdapterSelector;
import org.edgelora.api.selector.Selection;
import org.edgelora.api.selector.SelectionRequest;

/**
 * Turns a client's adapter choice into the adapter a request runs on, checking that the tenant may use
 * it. The pool and the selector are optional services: without the pool no named adapter exists, and
 * without the selector {@code auto} falls back to the tenant's default adapter or the base model.
 */
final class AdapterResolver {

    private final AdapterPool pool;
    private final AdapterSelector selector;

    /** Either may be null when its service is absent. */
    AdapterResolver(AdapterPool pool, AdapterSelector selector) {
        this.pool = pool;
        this.selector = selector;
    }

    /** The adapter name to run on; empty for the base model. */
    Optional<String> resolve(String requestId, TenantPolicy policy, AdapterChoice choice, Prompt prompt) {
        AdapterChoice effective = choice instanceof AdapterChoice.TenantDefault ? policy.defaultChoice() : choice;
        return switch (effective) {
            case AdapterChoice.Base base -> Optional.empty();
            case AdapterChoice.Named named -> Optional.of(checkNamed(policy, named.name()));
            case AdapterChoice.Auto auto -> auto(requestId, policy, prompt);
            case AdapterChoice.TenantDefault unreachable -> throw new IllegalStateException("a tenant's default is never TenantDefault");
        };
    }

    private String checkNamed(TenantPolicy policy, String name) {
        if (!policy.allows(name)) {
            throw new EdgeLoraException(ErrorCode.FORBIDDEN,
                    "tenant '" + policy.tenant() + "' may not use adapter '" + name + "'");
        }
        if (pool == null) {
            throw new EdgeLoraException(ErrorCode.UNKNOWN_ADAPTER,
                    "adapter '" + name + "' is not available: no adapter pool is running; use model 'base'");
        }
        AdapterStatus status = pool.served(name);
        if (!status.descriptor().allows(policy.tenant())) {
            throw new EdgeLoraException(ErrorCode.FORBIDDEN,
                    "adapter '" + name + "' does not admit tenant '" + policy.tenant() + "'");
        }
        return name;
    }

    private Optional<String> auto(String requestId, TenantPolicy policy, Prompt prompt) {
        Set<String> candidates = pool == null ? Set.of() : allowedAdapters(policy, pool.adapters());
        if (selector == null || candidates.isEmpty()) {
            return policy.defaultChoice() instanceof AdapterChoice.Named named
                    ? Optional.of(checkNamed(policy, named.name()))
                    : Optional.empty();
        }
        Optional<String> tenantDefault = policy.defaultChoice() instanceof AdapterChoice.Named named
                ? Optional.of(named.name()) : Optional.empty();
        Selection selection = selector.select(new SelectionRequest(requestId, policy.tenant(), selectorText(prompt), candidates,
                tenantDefault));
        return selection.adapter();
    }

    private static Set<String> allowedAdapters(TenantPolicy policy, List<AdapterStatus> adapters) {
        return adapters.stream()
                .map(AdapterStatus::descriptor)
                .filter(d -> d.allows(policy.tenant()) && policy.allows(d.id().name()))
                .map(d -> d.id().name())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The selector scores what the user asked: the text, or a chat's last user message; token ids have no words to score. */
    static String selectorText(Prompt prompt) {
        return switch (prompt) {
            case Prompt.Text text -> text.text();
            case Prompt.Chat chat -> chat.messages().reversed().stream()
                    .filter(m -> m.role().equals("user"))
                    .map(Prompt.ChatMessage::content)
                    .findFirst()
                    .orElse(chat.messages().getLast().content());
            case Prompt.Tokens tokens -> throw new EdgeLoraException(ErrorCode.INVALID_REQUEST,
                    "model 'auto' chooses an adapter from the prompt's words, and a prompt of token ids has none: name an adapter or 'base'");
        };
    }
}
