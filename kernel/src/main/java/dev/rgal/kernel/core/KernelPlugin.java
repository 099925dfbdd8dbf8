package dev.rgal.kernel.core;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import dev.rgal.api.Bindings;
import dev.rgal.api.DfkdPlugin;
import dev.rgal.kernel.tracking.Trackers;

/** The kernel's own component: the embedded tracking store ({@code local}), bound like any plugin's. */
public final class KernelPlugin implements DfkdPlugin {
  @Override
  public String id() {
    return "kernel";
  }

  @Override
  public Module module() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        Bindings.trackers(binder()).addBinding("local").toInstance(Trackers.localFactory());
      }
    };
  }
}
