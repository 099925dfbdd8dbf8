package dev.rgal.api.task;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.rgal.api.DfkdException;
import dev.rgal.api.RunSpec;
import dev.rgal.api.options.Options;
import org.apiguardian.api.API;

/** Builds a run's {@link TransferTask}; bound by name in {@code Bindings.tasks}. */
@API(status = EXPERIMENTAL, since = "0.2")
@FunctionalInterface
public interface TransferTaskFactory {
  TransferTask create(TaskRequest request);

  /** The options this task takes; none unless bound with {@link #declared}. */
  default Options options() {
    return Options.none();
  }

  /**
   * Checks the rest of the spec against what this task needs, before any run directory exists.
   *
   * @throws DfkdException (one line, naming the fix) when the spec cannot run as this task
   */
  default void check(RunSpec spec) {}

  /** {@code factory} with its declared {@code options} and a spec {@code check}. */
  static TransferTaskFactory declared(Options options, SpecCheck check, TransferTaskFactory factory) {
    return new TransferTaskFactory() {
      @Override
      public TransferTask create(TaskRequest request) {
        return factory.create(request);
      }

      @Override
      public Options options() {
        return options;
      }

      @Override
      public void check(RunSpec spec) {
        check.check(spec);
      }
    };
  }

  /** A check of the spec as it will run (options validated, defaults written out). */
  @FunctionalInterface
  interface SpecCheck {
    void check(RunSpec spec);
  }
}
