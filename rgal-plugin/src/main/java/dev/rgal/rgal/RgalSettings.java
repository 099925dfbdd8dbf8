package dev.rgal.rgal;

import dev.rgal.api.DfkdException;
import dev.rgal.api.Settings;

/** Parsing of the settings RGAL's components share. */
final class RgalSettings {
  private RgalSettings() {}

  static TripletDirection direction(Settings s) {
    return switch (s.getString("direction", "released")) {
      case "released" -> TripletDirection.RELEASED;
      case "paper" -> TripletDirection.PAPER;
      default -> throw new DfkdException("rgal direction must be 'released' or 'paper', got '"
          + s.getString("direction", "") + "'");
    };
  }

  static SamplerPrecision precision(Settings s) {
    return switch (s.getString("precision", "reproduce")) {
      case "reproduce" -> SamplerPrecision.REPRODUCE_FLOAT32;
      case "well-defined" -> SamplerPrecision.WELL_DEFINED;
      default -> throw new DfkdException("rgal precision must be 'reproduce' or 'well-defined', got '"
          + s.getString("precision", "") + "'");
    };
  }
}
