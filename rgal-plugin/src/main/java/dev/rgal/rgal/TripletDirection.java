package dev.rgal.rgal;

/** Which roles the sampled sample and the same-label partner take in the triplet (spec §4.5). */
public enum TripletDirection {
  /**
   * What the released script runs in both phases ({@code negative=False}): anchor, same-label
   * partner as positive, sampled different-label sample as negative. Pulls same-label together.
   */
  RELEASED,

  /**
   * The paper's synthesis direction ({@code negative=True}): the sampled different-label sample
   * is the positive and the same-label partner the negative, which pushes same-label samples apart
   * and pulls different-label ones together.
   */
  PAPER
}
