package dev.rgal.kernel.run;

import dev.rgal.toolkit.metrics.RunMetrics;
import dev.rgal.api.RunSpec;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.kernel.plugin.PluginInfo;
import dev.rgal.toolkit.spec.RunSpecJson;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The params and tags that say how a run was made: the whole spec, the teacher, the plugins. */
public final class RunProvenance {
  private RunProvenance() {}

  /** Flattened spec, teacher identity and plugin versions. */
  public static Map<String, String> params(RunSpec spec, TeacherMetadata teacher, PluginHost host) {
    Map<String, String> p = new LinkedHashMap<>(RunSpecJson.flatten(spec));
    p.put("teacher.architecture", teacher.architecture());
    p.put("teacher.dataset", teacher.dataset());
    p.put("teacher.sha256", teacher.weightsSha256());
    p.put("teacher.testAccuracy", String.valueOf(teacher.testAccuracy()));
    p.put(RunMetrics.DATA_BUDGET_IMAGES, String.valueOf(RunMetrics.dataBudget(spec.schedule())));
    for (PluginInfo info : host.plugins()) {
      p.put("plugin." + info.id(), info.version());
    }
    return p;
  }

  /**
   * Tags: method, the tags the run's components contribute ({@link dev.rgal.api.TagContributor};
   * the kernel adds none of its own about a method), teacher checksum, git commit when the working
   * directory is a checkout.
   */
  public static Map<String, String> tags(RunSpec spec, TeacherMetadata teacher, Map<String, String> contributed) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("method", spec.method());
    t.putAll(contributed);
    t.put("teacher.sha256", teacher.weightsSha256());
    String commit = gitCommit();
    if (commit != null) {
      t.put("mlflow.source.git.commit", commit);
    }
    return t;
  }

  static @Nullable String gitCommit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
