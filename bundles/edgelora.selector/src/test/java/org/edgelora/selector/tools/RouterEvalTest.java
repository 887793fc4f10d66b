package org.edgelora.selector.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.edgelora.selector.router.ProfileCsv;
import org.edgelora.selector.router.RouterProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterEvalTest {

    @Test
    void itsJsonLineHoldsTheFiguresBinEdgeloraRouterEvalPromises(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        ProfileCsv.write(train, profiles(40));
        ProfileCsv.write(test, profiles(10));

        String json = RouterEval.run(new Arguments(new String[] {"--train", train.toString(), "--test", test.toString(),
                "--k", "1", "--pool-slots", "1"}, Set.of("json"))).toJson();

        assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
        JsonNode figures = new ObjectMapper().readTree(json);
        for (String field : List.of("chosen_mean_score", "best_single_mean_score", "oracle_mean_score", "hit_rate")) {
            assertTrue(figures.get(field).isNumber(), field + " in " + json);
        }
        assertEquals(1.0, figures.get("chosen_mean_score").asDouble(), 1e-9, "the topic words tell the adapters apart: " + json);
        assertEquals(0.5, figures.get("best_single_mean_score").asDouble(), 1e-9, json);
        assertEquals(0.5, figures.get("difference_mean").asDouble(), 1e-9, json);
        assertEquals(5, figures.get("wins").asInt(), "the sensor prompts, on which the best single adapter fails: " + json);
        assertEquals(0, figures.get("losses").asInt(), json);
        assertTrue(figures.get("difference_ci95_low").asDouble() > 0, json);
    }

    /** Half the prompts are about SQL (adapter 0 does well), half about sensors (adapter 1). */
    private static List<RouterProfile> profiles(int count) {
        List<RouterProfile> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean sql = i % 2 == 0;
            rows.add(new RouterProfile((sql ? "select rows from the table " : "temperature sensor reading ") + i,
                    sql ? "sql" : "iot", sql ? new double[] {1, 0} : new double[] {0, 1}, new TreeSet<>(Set.of(sql ? 0 : 1))));
        }
        return rows;
    }
}
