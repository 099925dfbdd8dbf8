package dev.rgal.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The driver's Spark settings: one cell per executor unless the user says otherwise. */
class GridDriverConfigureTest {
  private static GridPlan plan(Map<String, String> conf) {
    return new GridPlan("spark://127.0.0.1:7077", "test", conf, "/x/rgal-spark.jar", null, List.of(), List.of(), false,
        List.of(), "/x/outcomes.json");
  }

  @Test
  void aTaskHoldsAllCoresOfItsExecutorByDefault() {
    SparkConf c = GridDriver.configure(plan(Map.of()));
    assertEquals("2", c.get("spark.executor.cores"));
    assertEquals("2", c.get("spark.task.cpus"));
    assertEquals("false", c.get("spark.speculation"));
    assertEquals("/x/rgal-spark.jar", c.get("spark.jars"));
  }

  @Test
  void userSettingsWinAndTaskCpusFollowExecutorCores() {
    SparkConf c = GridDriver.configure(plan(Map.of("spark.executor.cores", "8", "spark.executor.memory", "3g",
        "spark.jars", "/y/extra.jar")));
    assertEquals("8", c.get("spark.task.cpus"));
    assertEquals("3g", c.get("spark.executor.memory"));
    assertEquals("/x/rgal-spark.jar,/y/extra.jar", c.get("spark.jars"));
  }

  @Test
  void anExplicitTaskCpusIsKept() {
    SparkConf c = GridDriver.configure(plan(Map.of("spark.executor.cores", "8", "spark.task.cpus", "4")));
    assertEquals("4", c.get("spark.task.cpus"));
  }
}
