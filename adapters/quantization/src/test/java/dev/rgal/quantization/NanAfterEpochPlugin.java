package dev.rgal.quantization;

import ai.djl.ndarray.NDArray;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.api.options.Option;
import dev.rgal.api.options.Options;
import dev.rgal.api.training.StudentStep;
import dev.rgal.api.training.StudentTerm;
import dev.rgal.api.training.StudentTermFactory;
import dev.rgal.toolkit.ToolkitVersion;

/** Test plugin: a student term {@code test-nan} that is 0 until epoch {@code fromEpoch} and NaN from then on. */
public final class NanAfterEpochPlugin implements DfkdPlugin {
  static final Option<Integer> FROM_EPOCH = Option.integer("fromEpoch", 1, "first epoch whose loss is NaN").atLeast(0);

  @Override
  public String id() {
    return "test-qat-nan";
  }

  @Override
  public int toolkitVersion() {
    return ToolkitVersion.MAJOR;
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.studentTerms(binder()).addBinding("test-nan").toInstance(StudentTermFactory.declared(Options.of(FROM_EPOCH), r -> {
          int from = r.options().get(FROM_EPOCH);
          return new StudentTerm() {
            @Override
            public NDArray loss(StudentStep step) {
              return step.student().logits().sum().mul(step.epoch() >= from ? Float.NaN : 0f);
            }

            @Override
            public void saveState(java.io.DataOutputStream out) {}

            @Override
            public void loadState(java.io.DataInputStream in) {}
          };
        }));
      }
    };
  }
}
