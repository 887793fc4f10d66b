package org.edgelora.http.openai;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.edgelora.api.adapter.AdapterPool;
import org.edgelora.api.adapter.AdapterStatus;
import org.edgelora.api.engine.InferenceEngine;
import org.edgelora.api.engine.ModelInfo;
import org.edgelora.api.gateway.AdapterChoice;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /v1/models}: in OpenAI's list shape, the base model ({@code base}), {@code auto} and every
 * registered adapter, each with its state in the pool as an extra field.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletName("edgelora-openai-models")
@HttpWhiteboardServletPattern("/v1/models")
public final class ModelsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String OWNER = "edgelora";

    private final transient InferenceEngine engine;

    // the pool arrives with batched LoRA and may come and go; without it only base and auto are listed
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AdapterPool pool;

    @Activate
    public ModelsServlet(@Reference InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ObjectNode list = OpenAiJson.JSON.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        ModelInfo base = engine.model();
        model(data, AdapterChoice.BASE_NAME, "resident").put("base_model", base.name());
        model(data, AdapterChoice.AUTO_NAME, "resident").put("base_model", base.name());
        AdapterPool adapters = pool;
        if (adapters != null) {
            for (AdapterStatus status : adapters.adapters()) {
                ObjectNode adapter = model(data, status.descriptor().id().name(),
                        status.state().name().toLowerCase(Locale.ROOT));
                adapter.put("version", status.descriptor().id().version());
                adapter.put("pinned", status.pinned());
                adapter.put("base_model", base.name());
            }
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(OpenAiJson.JSON.writeValueAsString(list));
    }

    private static ObjectNode model(ArrayNode data, String id, String state) {
        ObjectNode model = data.addObject();
        model.put("id", id);
        model.put("object", "model");
        model.put("created", 0);
        model.put("owned_by", OWNER);
        model.put("state", state);
        return model;
    }
}
