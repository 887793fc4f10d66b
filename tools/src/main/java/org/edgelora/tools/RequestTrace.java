package org.edgelora.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The requests one rate sends, written to a file by {@code bench} and replayed by every system's worker
 * process, so that all of them see the same requests at the same times.
 */
record RequestTrace(double rate, double durationSeconds, List<Request> requests) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request.
     *
     * @param arrivalSeconds when it is sent, from the start of the rate's run
     * @param adapter        index of its adapter among the run's adapter files
     * @param prompt         its tokens, BOS first
     * @param outputTokens   the tokens it must generate (end of sequence is ignored)
     */
    record Request(int index, double arrivalSeconds, int adapter, int[] prompt, int outputTokens) {
    }

    RequestTrace {
        requests = List.copyOf(requests);
    }

    void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }

    static RequestTrace read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), RequestTrace.class);
    }
}
