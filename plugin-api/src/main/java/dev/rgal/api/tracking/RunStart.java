package dev.rgal.api.tracking;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.Map;

/**
 * How to open a run.
 *
 * @param experiment experiment name; created if missing
 * @param runName display name
 * @param tags initial tags
 */
@API(status = STABLE, since = "0.1")
public record RunStart(String experiment, String runName, Map<String, String> tags) {
  public RunStart {
    tags = Map.copyOf(tags);
  }
}
