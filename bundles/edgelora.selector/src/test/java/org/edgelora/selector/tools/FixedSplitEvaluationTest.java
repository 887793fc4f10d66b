package org.edgelora.selector.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.edgelora.selector.router.ProfileCsv;
import org.edgelora.selector.router.RouterModel;
import org.edgelora.selector.router.RouterProfile;
import org.edgelora.selector.router.SelectionPolicy;
import org.edgelora.selector.router.TrainingOptions;
import org.junit.jupiter.api.Test;

/** The shipped router on the fixed split of the shared router-profiles.csv; skipped where it is absent. */
class FixedSplitEvaluationTest {

    @Test
    void theRouterBeatsTheBestSingleAdapterOnTheFixedSplit() throws IOException {
        String shared = System.getProperty("edgelora.shared");
        Path csv = shared == null ? null : Path.of(shared, "data", "router", "router-profiles.csv");
        assumeTrue(csv != null && Files.isRegularFile(csv),
                "router-profiles.csv not found (system property edgelora.shared=" + shared + "): skipped");

        RouterSplit.Split split = RouterSplit.split(ProfileCsv.read(csv), RouterSplit.DEFAULT_SEED, RouterSplit.DEFAULT_TEST_SHARE);
        RouterModel model = RouterEval.train(split.train(), TrainingOptions.DEFAULT);
        EvaluationReport report = new RouterEvaluation(model, new SelectionPolicy(3, 0), 2)
                .evaluate(split.test(), RouterEval.bestSingle(split.train()));

        assertEquals(Math.round(0.2 * countTask(split, "mmlu_pro")), countTestTask(split, "mmlu_pro"), "stratified by task");
        assertTrue(report.chosenMeanScore() > report.bestSingleMeanScore(), report.toText());
        assertTrue(report.cacheAwareLoads() < report.plainLoads(), report.toText());
    }

    private static long countTask(RouterSplit.Split split, String task) {
        return split.train().stream().filter(r -> r.task().equals(task)).count() + countTestTask(split, task);
    }

    private static long countTestTask(RouterSplit.Split split, String task) {
        return split.test().stream().map(RouterProfile::task).filter(task::equals).count();
    }
}
