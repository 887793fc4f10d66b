package org.edgelora.selector.router;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/**
 * Reads and writes router profiles: CSV with a header {@code prompt, task, score_0..score_n, labels},
 * where prompts may hold quoted newlines and quotes, and labels is a list of adapter indices such as
 * {@code "[2, 4]"}.
 */
public final class ProfileCsv {

    private static final String SCORE_PREFIX = "score_";
    /** RFC 4180 records as lists of strings: quoted fields may hold commas, newlines and doubled quotes. */
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private ProfileCsv() {}

    public static List<RouterProfile> read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        }
    }

    public static List<RouterProfile> read(Reader reader, String source) throws IOException {
        List<List<String>> records = records(reader, source);
        List<String> header = records.getFirst();
        int adapters = (int) header.stream().filter(h -> h.startsWith(SCORE_PREFIX)).count();
        List<String> columns = columns(adapters);
        int[] position = columns.stream().mapToInt(header::indexOf).toArray();
        for (int i = 0; i < position.length; i++) {
            if (position[i] < 0) {
                throw new IOException(source + ": no column '" + columns.get(i) + "' (header " + header + ")");
            }
        }
        List<RouterProfile> rows = new ArrayList<>();
        for (List<String> record : records.subList(1, records.size())) {
            if (record.size() == 1 && record.getFirst().isBlank()) {
                continue; // a blank line
            }
            rows.add(parse(record, position, adapters, source + " row " + (rows.size() + 1)));
        }
        return rows;
    }

    /** The file's records, the header first; never empty. */
    static List<List<String>> records(Reader reader, String source) throws IOException {
        List<List<String>> records;
        try (MappingIterator<List<String>> parsed = CSV.readerForListOf(String.class).readValues(reader)) {
            records = parsed.readAll();
        } catch (JacksonException e) {
            throw new IOException(source + ": " + e.getOriginalMessage(), e);
        }
        if (records.isEmpty()) {
            throw new IOException(source + " is empty");
        }
        return records;
    }

    /** Writes records (the header first) as RFC 4180 CSV. */
    static void writeRecords(Path file, List<List<String>> records) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             SequenceWriter csv = CSV.writerFor(String[].class).with(CsvSchema.emptySchema()).writeValues(writer)) {
            for (List<String> record : records) {
                csv.write(record.toArray(String[]::new));
            }
        }
    }

    public static void write(Path file, List<RouterProfile> rows) throws IOException {
        int adapters = rows.isEmpty() ? 0 : rows.getFirst().adapterCount();
        List<List<String>> records = new ArrayList<>();
        records.add(columns(adapters));
        for (RouterProfile row : rows) {
            List<String> fields = new ArrayList<>();
            fields.add(row.prompt());
            fields.add(row.task());
            IntStream.range(0, adapters).forEach(j -> fields.add(Double.toString(row.score(j))));
            fields.add(row.labels().toString());
            records.add(fields);
        }
        writeRecords(file, records);
    }

    /** The names the runtime gives the adapters of score columns 0..n-1 when none are configured. */
    public static List<String> defaultAdapterNames(int adapters) {
        return IntStream.range(0, adapters).mapToObj(j -> "adapter-" + j).toList();
    }

    private static List<String> columns(int adapters) {
        List<String> columns = new ArrayList<>(List.of("prompt", "task"));
        IntStream.range(0, adapters).forEach(j -> columns.add(SCORE_PREFIX + j));
        columns.add("labels");
        return columns;
    }

    /** @param position where each of {@link #columns} is in the record */
    private static RouterProfile parse(List<String> record, int[] position, int adapters, String where) throws IOException {
        if (record.size() < position.length) {
            throw new IOException(where + ": " + record.size() + " fields, expected " + position.length);
        }
        try {
            double[] scores = new double[adapters];
            for (int j = 0; j < adapters; j++) {
                scores[j] = Double.parseDouble(record.get(position[2 + j]));
            }
            return new RouterProfile(record.get(position[0]), record.get(position[1]), scores,
                    labels(record.get(position[position.length - 1])));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }

    private static SortedSet<Integer> labels(String text) {
        String inner = text.strip();
        if (!inner.startsWith("[") || !inner.endsWith("]")) {
            throw new IllegalArgumentException("labels '" + text + "' is not a list such as [2, 4]");
        }
        SortedSet<Integer> labels = new TreeSet<>();
        for (String item : inner.substring(1, inner.length() - 1).split(",")) {
            if (!item.isBlank()) {
                labels.add(Integer.parseInt(item.strip()));
            }
        }
        return labels;
    }
}
