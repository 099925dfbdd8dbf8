package dev.rgal.planted;

import com.google.inject.Module;
import dev.rgal.api.DfkdPlugin;

/** Planted violation (ArchitectureTest): a plugin of a package that uses the toolkit, without toolkitVersion(). */
public final class UndeclaredToolkitPlugin implements DfkdPlugin {
  @Override
  public String id() {
    return "planted";
  }

  @Override
  public Module module() {
    return binder -> {};
  }
}
