package dev.rgal.toolkit.planted;

/** Planted violation (ArchitectureTest): a public toolkit type without @API that uses the kernel. */
public final class Undeclared {
  public dev.rgal.kernel.plugin.PluginHost host;
}
