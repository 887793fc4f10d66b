package org.edgelora.selector.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleCsvTest {

    @Test
    void eachRowIsAPositiveExampleForTheAdapterAndOtherColumnsAreIgnored() throws IOException {
        String csv = "note,prompt\nfirst,\"SELECT the rows, \"\"quoted\"\"\nover two lines\"\nsecond,count orders per day\nblank,\n";

        List<LabelledPrompt> examples = ExampleCsv.read(new StringReader(csv), "examples.csv", "sql");

        assertEquals(List.of(
                new LabelledPrompt("SELECT the rows, \"quoted\"\nover two lines", Set.of("sql"), Map.of()),
                new LabelledPrompt("count orders per day", Set.of("sql"), Map.of())), examples);
    }

    @Test
    void withoutAPromptColumnItSaysWhichFileAndHeader() {
        IOException error = assertThrows(IOException.class,
                () -> ExampleCsv.read(new StringReader("text\nhello\n"), "bundle-7/examples.csv", "sql"));

        assertTrue(error.getMessage().contains("bundle-7/examples.csv") && error.getMessage().contains("'prompt'"), error.getMessage());
    }

    @Test
    void whatItWritesReadsBackTheSame(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("examples.csv");
        List<String> prompts = List.of("plain", "with, comma", "with \"quotes\"\nand a newline");

        ExampleCsv.write(file, prompts);

        assertEquals(prompts, ExampleCsv.read(file, "a").stream().map(LabelledPrompt::prompt).toList());
    }
}
