package org.edgelora.api.adapter;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.Optional;

/** A projection of the base model that a LoRA adapter may modify, with its GGUF and Hugging Face names. */
public enum LoraTarget {
    ATTN_Q("attn_q", "q_proj", "q"),
    ATTN_K("attn_k", "k_proj", "k"),
    ATTN_V("attn_v", "v_proj", "v"),
    ATTN_OUTPUT("attn_output", "o_proj", "o"),
    FFN_GATE("ffn_gate", "gate_proj", "gate"),
    FFN_UP("ffn_up", "up_proj", "up"),
    FFN_DOWN("ffn_down", "down_proj", "down");

    private final String ggufName;
    private final String huggingFaceName;
    private final String shortName;

    LoraTarget(String ggufName, String huggingFaceName, String shortName) {
        this.ggufName = ggufName;
        this.huggingFaceName = huggingFaceName;
        this.shortName = shortName;
    }

    /** As in llama.cpp's tensor names: {@code blk.N.<ggufName>.weight}. */
    public String ggufName() {
        return ggufName;
    }

    /** As in PEFT's {@code target_modules}. */
    public String huggingFaceName() {
        return huggingFaceName;
    }

    /** As on command lines: q, k, v, o, gate, up, down. */
    public String shortName() {
        return shortName;
    }

    /** Finds a target by any of its three names. */
    public static Optional<LoraTarget> byName(String name) {
        return Arrays.stream(values())
                .filter(t -> t.ggufName.equals(name) || t.huggingFaceName.equals(name) || t.shortName.equals(name))
                .findFirst();
    }

    /**
     * Parses a comma-separated list of target names, as configuration and manifests give them.
     *
     * @throws IllegalArgumentException naming an unknown target
     */
    public static Set<LoraTarget> parseList(String names) {
        Set<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
        for (String name : names.split(",")) {
            String trimmed = name.strip();
            if (!trimmed.isEmpty()) {
                targets.add(byName(trimmed).orElseThrow(() -> new IllegalArgumentException(
                        "unknown target module '" + trimmed + "': use q, k, v, o, gate, up, down")));
            }
        }
        return targets;
    }
}
