package dev.rgal.tribuo;

import dev.rgal.toolkit.ToolkitVersion;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;

/**
 * The Tribuo platform plugin. Mostly a library ({@link DfkdTribuoModel}, {@link DfkdTeacherTrainer},
 * {@link TribuoEvaluation}); into the registries it binds only the run observer
 * {@value #OBSERVER}, which evaluates the final student with Tribuo's {@code LabelEvaluator} when
 * the run had test data and logs the figures and {@code confusion-matrix.txt} to the run.
 */
public final class TribuoPlugin implements DfkdPlugin {
  /** Name of the run observer this plugin binds. */
  public static final String OBSERVER = "tribuo-evaluation";

  @Override
  public String id() {
    return "tribuo";
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
        Bindings.observers(binder()).addBinding(OBSERVER).toInstance(new TribuoRunObserver());
      }
    };
  }
}
