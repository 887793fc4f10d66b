package org.edgelora.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG plots of {@code bench}: one figure against request rate, one line per system. */
final class ServingPlots {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private ServingPlots() {
    }

    /** Writes throughput.png, latency-p99.png and slo-attainment.png into the folder; returns the files. */
    static List<Path> write(Path folder, String title, Map<String, List<RateFigures>> bySystem) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(plot(folder.resolve("throughput.png"), "Throughput: " + title, "completed requests / s", bySystem,
                RateFigures::requestsPerS));
        files.add(plot(folder.resolve("latency-p99.png"), "p99 latency: " + title, "p99 latency (s)", bySystem,
                RateFigures::latencyP99S));
        files.add(plot(folder.resolve("slo-attainment.png"), "SLO attainment (TTFT <= 6 s): " + title, "fraction of requests", bySystem,
                RateFigures::slo6sAttainment));
        return files;
    }

    private static Path plot(Path file, String title, String yTitle, Map<String, List<RateFigures>> bySystem,
                             Function<RateFigures, Double> figure) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("request rate (requests / s)")
                .yAxisTitle(yTitle).build();
        for (Map.Entry<String, List<RateFigures>> system : bySystem.entrySet()) {
            // a rate at which nothing completed has no latency: it is left out of that line
            List<RateFigures> measured = system.getValue().stream().filter(f -> figure.apply(f) != null).toList();
            if (!measured.isEmpty()) {
                chart.addSeries(system.getKey(), measured.stream().map(RateFigures::rate).toList(), measured.stream().map(figure).toList())
                        .setMarker(SeriesMarkers.CIRCLE);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
