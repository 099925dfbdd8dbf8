package dev.rgal.kernel.run;

import dev.rgal.api.Bindings.Registry;
import dev.rgal.api.DfkdException;
import dev.rgal.api.model.ArchitectureFactory;
import dev.rgal.toolkit.data.Datasets;
import dev.rgal.kernel.plugin.PluginHost;
import dev.rgal.toolkit.teacher.TeacherMetadata;
import dev.rgal.toolkit.teacher.TeacherStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a run's inputs before anything is created for it: no tracked run, run directory or
 * native array exists when one of these fails, so a typo leaves no FAILED run behind. Cheap by
 * design (metadata and file existence only; weights are checksummed when the run loads them).
 */
public final class RunInputs {
  private RunInputs() {}

  /**
   * @throws DfkdException naming the first problem and its fix: a missing or invalid teacher
   *     directory, an architecture no plugin provides, missing test data, an output directory that
   *     already holds a run (fresh runs) or holds none (resumed runs)
   */
  public static TeacherMetadata check(PluginHost host, DistillRequest request) {
    TeacherMetadata teacher = TeacherStore.readMetadata(request.teacherDir());
    Path weights = request.teacherDir().resolve(teacher.weightsFile());
    if (!Files.isRegularFile(weights)) {
      throw new DfkdException("teacher weights " + weights + " are missing: retrain or re-import the teacher");
    }
    host.require(Registry.ARCHITECTURES, ArchitectureFactory.class, teacher.architecture());
    if (!request.resume()) {
      host.require(Registry.ARCHITECTURES, ArchitectureFactory.class, request.spec().studentArch());
    }
    if (request.testDataDir() != null) {
      Datasets.requireFiles(teacher.dataset(), request.testDataDir(), Datasets.Split.TEST);
    }
    Path out = request.outDir();
    boolean holdsRun = Files.exists(out.resolve("spec.json")) || Files.exists(out.resolve("checkpoint"));
    if (request.resume()) {
      if (!Files.isDirectory(out)) {
        throw new DfkdException("--resume " + out + ": no such directory; pass the --out directory of the run to continue");
      }
      if (!Files.isRegularFile(out.resolve("spec.json"))) {
        throw new DfkdException("--resume " + out + " is not a run directory (no spec.json): "
            + "pass the --out directory of an earlier 'rgal distill'");
      }
      if (!Files.isDirectory(out.resolve("checkpoint")) && !Files.isDirectory(out.resolve("checkpoint.old"))) {
        throw new DfkdException("no completed epoch to resume in " + out
            + ": the run stopped before its first checkpoint; start it again with another --out");
      }
    } else if (holdsRun) {
      throw new DfkdException("run directory " + out + " already holds a run: pass --resume " + out
          + " to continue it, or choose another --out");
    }
    return teacher;
  }
}
