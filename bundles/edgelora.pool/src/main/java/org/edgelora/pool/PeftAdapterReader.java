package org.edgelora.pool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.edgelora.api.adapter.LoraTarget;
import org.edgelora.engine.lora.BaseModelGeometry;
import org.edgelora.llama.ggml.GgmlType;

/**
 * Reads a Hugging Face PEFT LoRA directory: {@code adapter_config.json} (r, lora_alpha) and
 * {@code adapter_model.safetensors} (an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the data, memory-mapped here). Module names map
 * to llama.cpp's as convert_lora_to_gguf.py maps them:
 * {@code base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight} is {@code blk.N.attn_q.weight.lora_a}.
 * PEFT's lora_A [r, d_in] and lora_B [d_out, r] are row-major, the very bytes of llama.cpp's
 * lora_a [d_in, r] and lora_b [r, d_out] in ggml's order, so they are used as stored.
 */
final class PeftAdapterReader {

    static final String CONFIG = "adapter_config.json";
    static final String WEIGHTS = "adapter_model.safetensors";

    private static final Pattern NAME = Pattern.compile(
            "base_model\\.model\\.model\\.layers\\.(\\d{1,6})\\.(self_attn|mlp)\\.([a-z_]+)\\.lora_([AB])(?:\\.default)?\\.weight");
    /** A header longer than this is not a LoRA adapter's (it would describe millions of tensors). */
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftAdapterReader() {
    }

    static AdapterWeights read(Path directory, BaseModelGeometry geometry, PoolSettings settings) throws IOException {
        String source = directory.toString();
        JsonNode config = json(directory.resolve(CONFIG), source);
        if (!config.path("r").canConvertToInt() || !config.path("lora_alpha").isNumber()) {
            throw AdapterWeights.invalid(source, CONFIG + " needs the numbers r and lora_alpha");
        }
        if (config.path("use_rslora").asBoolean(false) || config.path("use_dora").asBoolean(false)
                || config.path("fan_in_fan_out").asBoolean(false)) {
            throw AdapterWeights.invalid(source, "rsLoRA, DoRA and fan_in_fan_out adapters are not supported");
        }
        float alpha = (float) config.path("lora_alpha").asDouble();
        int declaredRank = config.path("r").asInt();

        Path weights = directory.resolve(WEIGHTS);
        Arena mapping = Arena.ofShared();
        try {
            MemorySegment file;
            try (FileChannel channel = FileChannel.open(weights, StandardOpenOption.READ)) {
                file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), mapping);
            }
            List<LoraTensor> tensors = tensors(file, weights.toString());
            AdapterWeights adapter = AdapterWeights.of(source, mapping, tensors, alpha, geometry, settings);
            if (adapter.rank() != declaredRank) {
                throw AdapterWeights.invalid(source, CONFIG + " says r = " + declaredRank + ", the weights have rank " + adapter.rank());
            }
            return adapter;
        } catch (IOException | RuntimeException | Error e) {
            mapping.close();
            throw e;
        }
    }

    private static List<LoraTensor> tensors(MemorySegment file, String source) throws IOException {
        if (file.byteSize() < Long.BYTES) {
            throw AdapterWeights.invalid(source, "too short for a safetensors file");
        }
        long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 2 || headerLength > MAX_HEADER || Long.BYTES + headerLength > file.byteSize()) {
            throw AdapterWeights.invalid(source, "not a safetensors file (header length " + headerLength + ")");
        }
        byte[] headerBytes = file.asSlice(Long.BYTES, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw AdapterWeights.invalid(source, "the safetensors header is not JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw AdapterWeights.invalid(source, "the safetensors header is not a JSON object");
        }
        MemorySegment data = file.asSlice(Long.BYTES + headerLength);
        List<LoraTensor> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = header.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("__metadata__")) {
                tensors.add(tensor(field.getKey(), field.getValue(), data, source));
            }
        }
        return tensors;
    }

    private static LoraTensor tensor(String name, JsonNode description, MemorySegment data, String source) {
        Matcher matcher = NAME.matcher(name);
        if (!matcher.matches()) {
            throw AdapterWeights.invalid(source, "tensor " + name + " is not a LoRA matrix of a Llama projection");
        }
        String module = matcher.group(3);
        LoraTarget target = LoraTarget.byName(module).filter(t -> t.huggingFaceName().equals(module))
                .orElseThrow(() -> AdapterWeights.invalid(source, "tensor " + name + " modifies " + module
                        + ", which is not a projection a LoRA adapter may target"));
        GgmlType type = switch (description.path("dtype").asText()) {
            case "F32" -> GgmlType.F32;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            default -> throw AdapterWeights.invalid(source, "tensor " + name + " is " + description.path("dtype").asText()
                    + "; adapters must be F32, F16 or BF16");
        };
        JsonNode shape = description.path("shape");
        JsonNode offsets = description.path("data_offsets");
        if (shape.size() != 2 || offsets.size() != 2 || !shape.get(0).canConvertToLong() || !shape.get(1).canConvertToLong()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw AdapterWeights.invalid(source, "tensor " + name + " needs a 2-D shape and two data offsets");
        }
        long rows = shape.get(0).asLong();
        long columns = shape.get(1).asLong();
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (rows < 1 || columns < 1 || rows > Integer.MAX_VALUE || columns > Integer.MAX_VALUE) {
            throw AdapterWeights.invalid(source, "tensor " + name + " has shape [" + rows + ", " + columns + "]");
        }
        long bytes = rows * columns * type.blockBytes();
        if (begin < 0 || end - begin != bytes || end > data.byteSize()) {
            throw AdapterWeights.invalid(source, "tensor " + name + " needs " + bytes + " bytes at [" + begin + ", " + end
                    + "), the data section has " + data.byteSize() + ": the file is truncated or corrupt");
        }
        // PEFT [rows, columns] row-major is ggml [columns, rows]
        String ggufName = "blk." + matcher.group(1) + "." + target.ggufName() + ".weight.lora_" + matcher.group(4).toLowerCase();
        return new LoraTensor(ggufName, type, columns, rows, data.asSlice(begin, bytes));
    }

    private static JsonNode json(Path file, String source) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw AdapterWeights.invalid(source, "a PEFT adapter directory needs " + file.getFileName());
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw AdapterWeights.invalid(source, file.getFileName() + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
