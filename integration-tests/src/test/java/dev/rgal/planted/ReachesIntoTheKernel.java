package dev.rgal.planted;

/** Planted violation (ArchitectureTest): a "plugin" class that compiles against the kernel. */
public final class ReachesIntoTheKernel {
  public static String run(dev.rgal.kernel.run.Distiller distiller) {
    return distiller.toString();
  }
}
