package org.edgelora.http.openai;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.edgelora.api.engine.Generation;
import org.edgelora.api.engine.GenerationListener;
import org.edgelora.api.engine.GenerationResult;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.api.error.ErrorCode;
import org.edgelora.api.gateway.RequestGateway;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * OpenAI-compatible {@code POST /v1/completions} and {@code POST /v1/chat/completions}. {@code model} is
 * an adapter name, {@code base} or {@code auto}; the API key, when sent, names the tenant. Replies are
 * written from the servlet's async context, never from the engine's compute thread.
 */
@Component(service = Servlet.class, configurationPid = "org.edgelora.http.openai")
@Designate(ocd = CompletionsServlet.Config.class)
@HttpWhiteboardServletName("edgelora-openai-completions")
@HttpWhiteboardServletPattern({CompletionsServlet.COMPLETIONS, CompletionsServlet.CHAT_COMPLETIONS})
@HttpWhiteboardServletAsyncSupported
public final class CompletionsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final String COMPLETIONS = "/v1/completions";
    static final String CHAT_COMPLETIONS = "/v1/chat/completions";
    static final String DEFAULT_TENANT = "default";

    @ObjectClassDefinition(name = "EdgeLoRA OpenAI-compatible API", description = "Limits of POST /v1/completions and /v1/chat/completions.")
    public @interface Config {
        @AttributeDefinition(min = "1024", description = "The largest request body accepted, in bytes; larger ones get 413.")
        int maxBodyBytes() default 1 << 20;

        @AttributeDefinition(min = "1", description = "How long a request may run, in seconds, before it is cancelled.")
        int requestTimeoutSeconds() default 600;
    }

    private final transient RequestGateway gateway;
    private final int maxBodyBytes;
    private final long timeoutMillis;

    @Activate
    public CompletionsServlet(@Reference RequestGateway gateway, Config config) {
        this.gateway = gateway;
        this.maxBodyBytes = config.maxBodyBytes();
        this.timeoutMillis = config.requestTimeoutSeconds() * 1000L;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Endpoint endpoint = request.getServletPath().equals(CHAT_COMPLETIONS) ? Endpoint.CHAT : Endpoint.COMPLETIONS;
        CompletionCall call;
        String tenant;
        try {
            tenant = tenant(request).orElse(null);
            if (tenant == null) {
                HttpFailure.write(response, 401, "invalid_api_key",
                        "a valid API key is required: send it as 'Authorization: Bearer <key>'");
                return;
            }
            call = CompletionRequestParser.parse(endpoint, body(request));
        } catch (EdgeLoraException invalid) {
            HttpFailure.write(response, invalid);
            return;
        }
        String id = endpoint.idPrefix + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        AsyncContext async = request.startAsync();
        async.setTimeout(timeoutMillis);
        AtomicReference<Generation> generation = new AtomicReference<>();
        async.addListener(new CancelOnAbort(generation));
        try {
            if (call.stream()) {
                stream(call, id, created, tenant, async, generation);
            } else {
                Generation started = gateway.submit(call.toIngressRequest(id, tenant), GenerationListener.NONE);
                generation.set(started);
                started.result().whenComplete((result, failure) -> async.start(() -> reply(async, call, id, created, result, failure)));
            }
        } catch (RuntimeException refused) {
            HttpFailure.write(response, refused);
            async.complete();
        }
    }

    private void stream(CompletionCall call, String id, long created, String tenant, AsyncContext async,
            AtomicReference<Generation> generation) {
        ServerSentEvents events = new ServerSentEvents(async, () -> {
            Generation running = generation.get();
            if (running != null) {
                running.cancel();
            }
        });
        // set on the compute thread by the listener and read there when the result completes
        AtomicBoolean textSent = new AtomicBoolean();
        // set on this thread by the gateway before the engine sees the request, read on the compute thread
        AtomicReference<String> model = new AtomicReference<>(call.model());
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onText(String text) {
                if (!text.isEmpty()) {
                    boolean first = textSent.compareAndSet(false, true);
                    events.send(OpenAiJson.write(OpenAiJson.textChunk(call, model.get(), id, created, text, first)));
                }
            }

            @Override
            public void onAdapterResolved(String adapter) {
                model.set(call.streamedModel(adapter));
            }
        };
        Generation started = gateway.submit(call.toIngressRequest(id, tenant), listener);
        generation.set(started);
        started.result().whenComplete((result, failure) -> {
            if (failure == null) {
                String finish = OpenAiJson.write(OpenAiJson.finishChunk(call, model.get(), id, created, result.finishReason()));
                if (call.includeUsage()) {
                    events.finish(finish, OpenAiJson.write(OpenAiJson.usageChunk(call, model.get(), id, created, result.usage())),
                            ServerSentEvents.DONE);
                } else {
                    events.finish(finish, ServerSentEvents.DONE);
                }
            } else if (!textSent.get()) {
                // nothing is written yet: the failure still gets its HTTP status
                async.start(() -> reply(async, call, id, created, null, failure));
            } else {
                events.finish(HttpFailure.event(failure), ServerSentEvents.DONE);
            }
        });
    }

    private static void reply(AsyncContext async, CompletionCall call, String id, long created,
            GenerationResult result, Throwable failure) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        try {
            if (failure != null) {
                HttpFailure.write(response, failure);
            } else {
                response.setStatus(HttpServletResponse.SC_OK);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.getWriter().write(OpenAiJson.write(OpenAiJson.completion(call, id, created, result)));
            }
        } catch (IOException | IllegalStateException clientGoneOrTimedOut) {
            // nobody is left to answer
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException alreadyCompleted) {
                // the timeout completed it first
            }
        }
    }

    /** The tenant of the request's API key; {@code default} without one unless keys are required; empty when refused. */
    private Optional<String> tenant(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null) {
            return gateway.apiKeysRequired() ? Optional.empty() : Optional.of(DEFAULT_TENANT);
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return gateway.tenantForApiKey(authorization.substring(7).strip());
    }

    private byte[] body(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private EdgeLoraException tooLarge() {
        return new EdgeLoraException(ErrorCode.CONTEXT_TOO_LONG, "the body is larger than " + maxBodyBytes + " bytes");
    }

    /** A request the client abandoned, or that ran past its time, stops generating. */
    private record CancelOnAbort(AtomicReference<Generation> generation) implements AsyncListener {
        @Override
        public void onTimeout(AsyncEvent event) {
            cancel();
            // completing here keeps the container from dispatching its own error page
            event.getAsyncContext().complete();
        }

        @Override
        public void onError(AsyncEvent event) {
            cancel();
        }

        @Override
        public void onComplete(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {}

        private void cancel() {
            Generation running = generation.get();
            if (running != null) {
                running.cancel();
            }
        }
    }
}
