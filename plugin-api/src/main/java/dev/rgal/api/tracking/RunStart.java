package dev.rgal.api.tracking;

import java.util.Map;

/**
 * How to open a run.
 *
 * @param experiment experiment name; created if missing
 * @param runName display name
 * @param tags initial tags
 */
public record RunStart(String experiment, String runName, Map<String, String> tags) {
  public RunStart {
    tags = Map.copyOf(tags);
  }
}
