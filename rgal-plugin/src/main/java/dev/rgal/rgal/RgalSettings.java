package dev.rgal.rgal;

import dev.rgal.api.options.Option;

/** The options RGAL's components share, and their meaning. */
final class RgalSettings {
  static final Option<String> DIRECTION = Option.choice("direction", "released",
      "triplet roles: released (what the released code minimises) or paper (the swapped roles the paper describes)",
      "released", "paper");
  static final Option<String> PRECISION = Option.choice("precision", "reproduce",
      "negative sampler: reproduce (the released float32 sampler with its underflow fallback) or well-defined",
      "reproduce", "well-defined");

  private RgalSettings() {}

  static TripletDirection direction(String value) {
    return value.equals("paper") ? TripletDirection.PAPER : TripletDirection.RELEASED;
  }

  static SamplerPrecision precision(String value) {
    return value.equals("well-defined") ? SamplerPrecision.WELL_DEFINED : SamplerPrecision.REPRODUCE_FLOAT32;
  }
}
