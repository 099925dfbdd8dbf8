package dev.rgal.planted.cycle.b;

/** Planted violation (ArchitectureTest): the other half of a package cycle. */
public final class Pong {
  public dev.rgal.planted.cycle.a.Ping next;
}
