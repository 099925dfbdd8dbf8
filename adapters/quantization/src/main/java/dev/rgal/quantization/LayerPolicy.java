package dev.rgal.quantization;

import dev.rgal.api.DfkdException;

/**
 * Which bit width each layer gets (spec §1.6, §5). {@code all-k}: every conv/linear weight and
 * every post-ReLU activation at the requested widths (GDFQ convention). {@code ends-8}: the first
 * weight layer, the last weight layer and the activation feeding the last layer at 8 bits
 * (Genie/BRECQ convention); a full-precision (32) width stays full precision there too.
 */
public enum LayerPolicy {
  ALL_K("all-k"),
  ENDS_8("ends-8");

  private final String label;

  LayerPolicy(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The width of a layer at an end of the net under this policy, given the requested width. */
  int endBits(int requested) {
    return this == ENDS_8 && !BitWidths.isFull(requested) ? 8 : requested;
  }

  /**
   * @throws DfkdException for an unknown name
   */
  public static LayerPolicy parse(String label) {
    for (LayerPolicy p : values()) {
      if (p.label.equals(label)) {
        return p;
      }
    }
    throw new DfkdException("unknown layer policy '" + label + "': use all-k or ends-8");
  }

  @Override
  public String toString() {
    return label;
  }
}
