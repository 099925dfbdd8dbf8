package dev.rgal.tribuo;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import dev.rgal.api.RunSpec;
import dev.rgal.toolkit.spec.RunSpecJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * The trainer provenance of a distilled student: its configuration is the run's spec (method,
 * student, seed, teacher checksum and every flattened spec parameter). Distillation is data-free
 * and runs through {@code rgal distill} / {@code Distiller}, not through Tribuo, so
 * {@link #train} refuses; this class exists so a student's {@code ModelProvenance} names how it
 * was made in Tribuo's own terms ({@link TrainerProvenanceImpl} reflects over the {@link Config}
 * fields).
 */
public final class DfkdDistillationTrainer implements Trainer<Label> {
  @Config(description = "distillation method, with +extensions")
  private String method = "";

  @Config(description = "student architecture")
  private String studentArch = "";

  @Config(description = "run seed")
  private long seed = -1;

  @Config(description = "SHA-256 of the teacher's weights")
  private String teacherSha256 = "";

  @Config(description = "every parameter of the run spec, flattened")
  private Map<String, String> spec = new LinkedHashMap<>();

  private int invocationCount;

  /** For OLCUT. */
  private DfkdDistillationTrainer() {}

  public DfkdDistillationTrainer(RunSpec runSpec, String teacherSha256) {
    this.method = runSpec.method();
    this.studentArch = runSpec.studentArch();
    this.seed = runSpec.seed();
    this.teacherSha256 = teacherSha256;
    this.spec = new LinkedHashMap<>(RunSpecJson.flatten(runSpec));
  }

  /**
   * Always fails: a student is made from a teacher without data.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public Model<Label> train(Dataset<Label> examples, Map<String, Provenance> runProvenance) {
    throw new UnsupportedOperationException("distillation is data-free and runs through 'rgal distill' "
        + "(dev.rgal.kernel.run.Distiller); export the result with DfkdTribuoModel.fromRun");
  }

  @Override
  public int getInvocationCount() {
    return invocationCount;
  }

  @Override
  public TrainerProvenance getProvenance() {
    return new TrainerProvenanceImpl(this);
  }

  @Override
  public String toString() {
    return "DfkdDistillationTrainer(method=" + method + ", student=" + studentArch + ", seed=" + seed + ")";
  }
}
