package org.edgelora.http.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.error.EdgeLoraException;
import org.edgelora.http.openai.HttpFailure;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Operators' adapter endpoints, behind {@code Authorization: Bearer <adminToken>}:
 * {@code GET /admin/adapters} lists them, {@code POST /admin/adapters/<name>/pin}, {@code .../unpin}
 * and {@code .../evict} act on one. Without a configured token the endpoints are off.
 */
@Component(service = Servlet.class, configurationPid = "org.edgelora.http.admin")
@Designate(ocd = AdminAdaptersServlet.Config.class)
@HttpWhiteboardServletName("edgelora-admin-adapters")
@HttpWhiteboardServletPattern({"/admin/adapters", "/admin/adapters/*"})
public final class AdminAdaptersServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ObjectClassDefinition(name = "EdgeLoRA admin endpoints", description = "Access to /admin/adapters.")
    public @interface Config {
        @AttributeDefinition(type = AttributeType.PASSWORD,
                description = "The bearer token admin requests must carry; empty turns the admin endpoints off.")
        String adminToken() default "";
    }

    private final byte[] token;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AdapterPool pool;

    @Activate
    public AdminAdaptersServlet(Config config) {
        this.token = config.adminToken().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<AdapterPool> adapters = authorizedPool(request, response);
        if (adapters.isEmpty()) {
            return;
        }
        if (request.getPathInfo() != null && !request.getPathInfo().equals("/")) {
            HttpFailure.write(response, 404, "not_found", "GET lists all adapters at /admin/adapters");
            return;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (AdapterStatus status : adapters.get().adapters()) {
            list.add(Map.of(
                    "name", status.descriptor().id().name(),
                    "version", status.descriptor().id().version(),
                    "state", status.state().name().toLowerCase(Locale.ROOT),
                    "pinned", status.pinned(),
                    "inFlight", status.inFlight(),
                    "hits", status.hits()));
        }
        writeJson(response, Map.of("adapters", list));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<AdapterPool> adapters = authorizedPool(request, response);
        if (adapters.isEmpty()) {
            return;
        }
        String[] path = request.getPathInfo() == null ? new String[0] : request.getPathInfo().substring(1).split("/", -1);
        if (path.length != 2 || path[0].isEmpty()) {
            HttpFailure.write(response, 404, "not_found", "POST /admin/adapters/<name>/pin, /unpin or /evict");
            return;
        }
        String name = path[0];
        try {
            if (adapters.get().status(name).isEmpty()) {
                HttpFailure.write(response, 404, "unknown_adapter", "no adapter named '" + name + "' is registered");
                return;
            }
            switch (path[1]) {
                case "pin" -> adapters.get().pin(name, true);
                case "unpin" -> adapters.get().pin(name, false);
                case "evict" -> {
                    boolean evicted = adapters.get().evict(name);
                    writeJson(response, Map.of("adapter", name, "evicted", evicted));
                    return;
                }
                default -> {
                    HttpFailure.write(response, 404, "not_found", "the actions are pin, unpin and evict");
                    return;
                }
            }
            writeJson(response, Map.of("adapter", name, "pinned", path[1].equals("pin")));
        } catch (EdgeLoraException e) {
            HttpFailure.write(response, e);
        }
    }

    /** The pool when the request carries the admin token and the pool runs; otherwise answers and is empty. */
    private Optional<AdapterPool> authorizedPool(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (token.length == 0) {
            HttpFailure.write(response, 403, "forbidden", "the admin endpoints are off: configure adminToken");
            return Optional.empty();
        }
        String authorization = request.getHeader("Authorization");
        byte[] presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        // constant time: the comparison must not tell how much of a guess was right
        if (!MessageDigest.isEqual(token, presented)) {
            response.setHeader("WWW-Authenticate", "Bearer");
            HttpFailure.write(response, 401, "invalid_admin_token", "a valid admin bearer token is required");
            return Optional.empty();
        }
        AdapterPool current = pool;
        if (current == null) {
            HttpFailure.write(response, 503, "adapter_unavailable", "no adapter pool is running");
            return Optional.empty();
        }
        return Optional.of(current);
    }

    private static void writeJson(HttpServletResponse response, Object body) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
