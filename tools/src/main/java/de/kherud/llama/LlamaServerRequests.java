package de.kherud.llama;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the server inside java-llama.cpp 4.2.0 (llama.cpp b4916) supports but its Java API does not
 * reach: several LoRA adapters loaded at start, and a request that chooses its own adapter and brings
 * its prompt as tokens. Both parameter classes keep their fields in package-private maps of raw values,
 * so this class lives in their package (the jar is not sealed).
 */
public final class LlamaServerRequests {

    private LlamaServerRequests() {
    }

    /**
     * Loads every adapter at start, at scale 0 until a request sets its own. {@link ModelParameters#addLoraAdapter}
     * cannot: the options live in a HashMap from option to value, so a second {@code --lora} replaces the
     * first and only the last adapter is loaded. An IdentityHashMap keeps one {@code --lora} key per adapter,
     * and llama.cpp's argument parser takes {@code --lora} repeated. llama.cpp numbers the adapters in
     * the order of its arguments, which is the map's iteration order, not the order of {@code adapters}.
     *
     * @return for each of {@code adapters}, the id llama.cpp gives it (what {@link #onAdapter} takes)
     */
    public static int[] withAdapters(ModelParameters parameters, List<Path> adapters) throws ReflectiveOperationException {
        Map<String, String> options = new IdentityHashMap<>(parameters.parameters);
        Map<String, Integer> indexByKey = new IdentityHashMap<>();
        for (int i = 0; i < adapters.size(); i++) {
            String key = new String("--lora"); // a distinct key object per adapter
            options.put(key, adapters.get(i).toString());
            indexByKey.put(key, i);
        }
        options.put("--lora-init-without-apply", null);
        Field field = CliParameters.class.getDeclaredField("parameters");
        field.setAccessible(true);
        field.set(parameters, options);
        int[] ids = new int[adapters.size()];
        int next = 0;
        for (String key : options.keySet()) { // the order ModelParameters.toArray() will pass them in
            Integer index = indexByKey.get(key);
            if (index != null) {
                ids[index] = next++;
            }
        }
        return ids;
    }

    /**
     * Makes the request run on the adapter llama.cpp numbers {@code adapter} (see {@link #withAdapters}) at scale 1, every other at scale 0, and feeds {@code tokens} as its prompt
     * unchanged (no BOS added, no tokenization).
     */
    public static InferenceParameters onAdapter(InferenceParameters parameters, int[] tokens, int adapter) {
        parameters.parameters.put("prompt", Arrays.toString(tokens));
        parameters.parameters.put("lora", "[{\"id\": " + adapter + ", \"scale\": 1.0}]");
        return parameters;
    }
}
