package dev.rgal.kernel.run;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a run ran: the facts its speed (and, with several threads, its late digits) depend on.
 * Recorded as {@code env.*} tags (tags, not params: a run resumed on another machine updates them
 * instead of clashing with immutable params), in {@code summary.json} and in the Tribuo provenance.
 *
 * @param javaVersion {@code java.version}
 * @param javaVendor {@code java.vendor}
 * @param os OS name and version
 * @param arch CPU architecture ({@code os.arch})
 * @param cpuModel the first {@code model name} of {@code /proc/cpuinfo}, or "unknown"
 * @param cores processors available to the JVM
 * @param djlVersion DJL's version
 * @param engineVersion the PyTorch version DJL loaded
 * @param intraOpThreads PyTorch's intra-op thread count
 * @param interOpThreads PyTorch's inter-op thread count
 * @param allocator {@code jemalloc} when libjemalloc is mapped into the process, else {@code glibc}
 */
public record RunEnvironment(
    String javaVersion, String javaVendor, String os, String arch, String cpuModel, int cores,
    String djlVersion, String engineVersion, int intraOpThreads, int interOpThreads, String allocator) {

  /** Reads the environment of this process (loads the PyTorch engine if it is not yet loaded). */
  public static RunEnvironment current() {
    Engine engine = Engine.getEngine("PyTorch");
    return new RunEnvironment(
        System.getProperty("java.version"), System.getProperty("java.vendor"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
        readCpuModel(), Runtime.getRuntime().availableProcessors(),
        Engine.getDjlVersion(), engine.getVersion(),
        JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), detectAllocator());
  }

  /** The facts as {@code env.*} keys, in a fixed order. */
  public Map<String, String> asTags() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("env.java.version", javaVersion);
    t.put("env.java.vendor", javaVendor);
    t.put("env.os", os);
    t.put("env.arch", arch);
    t.put("env.cpu.model", cpuModel);
    t.put("env.cpu.cores", String.valueOf(cores));
    t.put("env.djl.version", djlVersion);
    t.put("env.pytorch.version", engineVersion);
    t.put("env.pytorch.intraop_threads", String.valueOf(intraOpThreads));
    t.put("env.pytorch.interop_threads", String.valueOf(interOpThreads));
    t.put("env.allocator", allocator);
    return t;
  }

  private static String readCpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.toLowerCase(Locale.ROOT).startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (IOException | SecurityException e) {
      return "unknown";
    }
  }

  /** jemalloc when the process maps it (LD_PRELOAD by ./rgal and the test command), else glibc. */
  private static String detectAllocator() {
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      return maps.anyMatch(l -> l.contains("libjemalloc")) ? "jemalloc" : "glibc";
    } catch (IOException | SecurityException e) {
      return "unknown";
    }
  }
}
