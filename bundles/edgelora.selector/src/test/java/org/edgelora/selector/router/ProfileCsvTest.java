package org.edgelora.selector.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCsvTest {

    private static final String HEADER = "prompt,task,score_0,score_1,score_2,labels\n";

    @Test
    void readsQuotedFieldsWithNewlinesCommasAndQuotes() throws IOException {
        String csv = HEADER
                + "\"Which is right?\nA. \"\"yes\"\", surely\r\nB. no\nAnswer:\",mmlu_pro,0.0,1.0,1.0,\"[1, 2]\"\r\n"
                + "plain prompt,bbh,1.0,0.0,0.0,[0]\n";

        List<RouterProfile> rows = ProfileCsv.read(new StringReader(csv), "test.csv");

        assertEquals(2, rows.size());
        assertEquals("Which is right?\nA. \"yes\", surely\r\nB. no\nAnswer:", rows.get(0).prompt());
        assertEquals("mmlu_pro", rows.get(0).task());
        assertArrayEquals(new double[] {0, 1, 1}, rows.get(0).scores());
        assertEquals(new TreeSet<>(Set.of(1, 2)), rows.get(0).labels());
        assertEquals("plain prompt", rows.get(1).prompt());
        assertEquals(Set.of(0), rows.get(1).labels());
    }

    @Test
    void whatItWritesReadsBackTheSame(@TempDir Path dir) throws IOException {
        List<RouterProfile> rows = List.of(
                new RouterProfile("a \"quoted\", multi\nline prompt", "math", new double[] {0.5, 0, 1}, new TreeSet<>(Set.of(2))),
                new RouterProfile("second", "bbh", new double[] {1, 1, 1}, new TreeSet<>(Set.of(0, 1, 2))));

        ProfileCsv.write(dir.resolve("p.csv"), rows);
        List<RouterProfile> back = ProfileCsv.read(dir.resolve("p.csv"));

        assertEquals(2, back.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).prompt(), back.get(i).prompt());
            assertEquals(rows.get(i).task(), back.get(i).task());
            assertArrayEquals(rows.get(i).scores(), back.get(i).scores());
            assertEquals(rows.get(i).labels(), back.get(i).labels());
        }
        assertTrue(back.get(1).tiesAllAdapters());
    }

    @Test
    void anUnclosedQuoteOrABadLabelIsAnErrorThatSaysWhere() {
        IOException unclosed = assertThrows(IOException.class,
                () -> ProfileCsv.read(new StringReader(HEADER + "\"never closed,bbh,1,0,0,[0]\n"), "broken.csv"));
        assertTrue(unclosed.getMessage().contains("broken.csv"), unclosed.getMessage());

        IOException label = assertThrows(IOException.class,
                () -> ProfileCsv.read(new StringReader(HEADER + "p,bbh,1,0,0,[7]\n"), "labels.csv"));
        assertTrue(label.getMessage().contains("labels.csv row 1"), label.getMessage());
    }
}
