package dev.rgal.toolkit.task;

import static org.apiguardian.api.API.Status.STABLE;

import com.google.inject.Inject;
import dev.rgal.api.DfkdException;
import dev.rgal.api.DataSpec;
import dev.rgal.api.RunSpec;
import dev.rgal.api.model.Architectures;
import dev.rgal.api.model.FeatureNet;
import dev.rgal.api.task.TaskPhase;
import dev.rgal.api.task.TaskRequest;
import dev.rgal.api.task.TaskResult;
import dev.rgal.api.task.TransferTask;
import dev.rgal.api.task.TransferTaskFactory;
import dev.rgal.toolkit.zoo.NetWeights;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * Data-free distillation ({@value RunSpec#DEFAULT_TASK}): a freshly initialised student of the
 * spec's architecture, trained from scratch; the result is its weights, {@code student.params}.
 */
@API(status = STABLE, since = "0.2")
public final class DistillTask implements TransferTask {
  /** The file the student's final weights are written to. */
  public static final String WEIGHTS = "student.params";

  private final FeatureNet student;

  private DistillTask(FeatureNet student) {
    this.student = student;
  }

  @Override
  public FeatureNet student() {
    return student;
  }

  @Override
  public TaskResult finish(TaskPhase phase) {
    Path weights = phase.runDir().resolve(WEIGHTS);
    NetWeights.save(student, weights);
    return TaskResult.of(weights);
  }

  /** Builds the student through the host's architecture registry. */
  public static final class Factory implements TransferTaskFactory {
    private final Architectures architectures;

    @Inject
    public Factory(Architectures architectures) {
      this.architectures = architectures;
    }

    @Override
    public TransferTask create(TaskRequest r) {
      DataSpec d = r.data();
      return new DistillTask(architectures.create(r.studentArchitecture(), r.manager(), d.channels(), d.height(),
          d.width(), d.numClasses()));
    }

    @Override
    public void check(RunSpec spec) {
      if (spec.schedule().epochs() < 1) {
        throw new DfkdException("distillation needs schedule.epochs ≥ 1 (got " + spec.schedule().epochs()
            + "): pass --epochs N");
      }
    }
  }
}
