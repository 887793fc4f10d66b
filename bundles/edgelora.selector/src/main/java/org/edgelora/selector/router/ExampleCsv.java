package org.edgelora.selector.router;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The example prompts an adapter bundle carries ({@code EdgeLoRA-Adapter-Examples}): UTF-8 CSV
 * (RFC 4180: quoted fields may hold commas, newlines and doubled quotes) with a header row that has a
 * column {@value #PROMPT_COLUMN}; other columns are ignored. Each row is one prompt the bundle's adapter
 * is good at: a positive example for it, and a negative one for every other adapter the router learns.
 */
public final class ExampleCsv {

    public static final String PROMPT_COLUMN = "prompt";

    private ExampleCsv() {}

    public static List<LabelledPrompt> read(Path file, String adapter) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString(), adapter);
        }
    }

    public static List<LabelledPrompt> read(Reader reader, String source, String adapter) throws IOException {
        List<List<String>> records = ProfileCsv.records(reader, source);
        int column = records.getFirst().indexOf(PROMPT_COLUMN);
        if (column < 0) {
            throw new IOException(source + ": no column '" + PROMPT_COLUMN + "' (header " + records.getFirst() + ")");
        }
        List<LabelledPrompt> examples = new ArrayList<>();
        for (List<String> record : records.subList(1, records.size())) {
            if (record.size() > column && !record.get(column).isBlank()) {
                examples.add(new LabelledPrompt(record.get(column), Set.of(adapter), Map.of()));
            }
        }
        return examples;
    }

    /** Writes prompts in this format, for packaging adapter bundles. */
    public static void write(Path file, List<String> prompts) throws IOException {
        List<List<String>> records = new ArrayList<>();
        records.add(List.of(PROMPT_COLUMN));
        prompts.forEach(prompt -> records.add(List.of(prompt)));
        ProfileCsv.writeRecords(file, records);
    }
}
