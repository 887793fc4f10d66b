package org.edgelora.selector.router;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated fields, a field in double quotes may hold commas, newlines and doubled
 * quotes. Small enough to keep here: Commons CSV 1.11+ would bring some 450 classes of Commons IO and
 * Codec (and imports of sun.misc) into an edge bundle for it.
 */
final class CsvRecords {

    private final Reader reader;
    private final String source;
    private int line = 1;

    CsvRecords(Reader reader, String source) {
        this.reader = reader;
        this.source = source;
    }

    /** The next record's fields, or null at the end of the input. */
    List<String> next() throws IOException {
        int c = reader.read();
        if (c == -1) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int recordLine = line;
        while (true) {
            if (c == '"' && field.isEmpty()) {
                c = readQuoted(field, recordLine);
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == -1) {
                fields.add(field.toString());
                line++;
                return fields;
            } else if (c == '\r') {
                // CRLF line ends: the LF that follows ends the record
            } else if (c == '"') {
                throw new IOException(source + " line " + line + ": a quote inside an unquoted field");
            } else {
                field.append((char) c);
            }
            c = reader.read();
        }
    }

    /** Reads a quoted field's content after its opening quote; returns the character after the closing one. */
    private int readQuoted(StringBuilder field, int recordLine) throws IOException {
        while (true) {
            int c = reader.read();
            if (c == -1) {
                throw new IOException(source + " line " + recordLine + ": a quoted field is never closed");
            }
            if (c == '"') {
                int after = reader.read();
                if (after != '"') {
                    return after;
                }
            } else if (c == '\n') {
                line++;
            }
            field.append((char) c);
        }
    }

    /** One record as CSV text, quoting the fields that need it, with a trailing newline. */
    static String format(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            if (i > 0) {
                out.append(',');
            }
            if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
                out.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                out.append(field);
            }
        }
        return out.append('\n').toString();
    }
}
