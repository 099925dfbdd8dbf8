package dev.rgal.planted.cycle.a;

/** Planted violation (ArchitectureTest): one half of a package cycle. */
public final class Ping {
  public dev.rgal.planted.cycle.b.Pong next;
}
