package org.edgelora.selector.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The labelled prompts a router learns from, with a fingerprint of their content. */
public record TrainingSet(List<LabelledPrompt> examples) {

    public TrainingSet {
        examples = List.copyOf(examples);
    }

    /** Every adapter the examples say anything about, sorted. */
    public List<String> adapters() {
        TreeSet<String> adapters = new TreeSet<>();
        examples.forEach(e -> adapters.addAll(e.adapters()));
        return List.copyOf(adapters);
    }

    /**
     * A SHA-256 over the examples in order: a stored model trained on the same content is current,
     * whatever file the examples came from.
     */
    public String fingerprint() {
        MessageDigest digest = sha256();
        for (LabelledPrompt example : examples) {
            digest.update(example.prompt().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(new TreeSet<>(example.bestAdapters()).toString().getBytes(StandardCharsets.UTF_8));
            Map<String, Double> scores = new TreeMap<>(example.scores());
            digest.update(scores.toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
