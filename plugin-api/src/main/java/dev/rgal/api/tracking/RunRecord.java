package dev.rgal.api.tracking;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import java.util.Map;

/**
 * A run as read back from a tracking store.
 *
 * @param runId store-specific id
 * @param runName display name
 * @param status RUNNING, FINISHED, FAILED or KILLED
 * @param params all params
 * @param metrics the latest value of each metric
 * @param tags all tags
 */
@API(status = STABLE, since = "0.1")
public record RunRecord(
    String runId, String runName, String status, Map<String, String> params,
    Map<String, Double> metrics, Map<String, String> tags) {
  public RunRecord {
    params = Map.copyOf(params);
    metrics = Map.copyOf(metrics);
    tags = Map.copyOf(tags);
  }
}
