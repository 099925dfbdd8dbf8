package dev.rgal.toolkit.loss;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.DfkdException;
import java.util.Map;

/**
 * A loss became NaN or infinite. The message names the term that produced it, so the user knows
 * which weight or setting to change; the run stops and keeps its last good checkpoint.
 */
@API(status = STABLE, since = "0.1")
public final class NonFiniteLossException extends DfkdException {
  private static final long serialVersionUID = 1L;

  private NonFiniteLossException(String message) {
    super(message);
  }

  /**
   * Throws if any value except {@code total} (checked last) is not finite.
   *
   * @param where phase and position, e.g. "synthesis call 3 iteration 17"
   * @param values weighted value of each term
   */
  public static void check(String where, Map<String, Double> values) {
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (!e.getKey().equals("total") && !Double.isFinite(e.getValue())) {
        throw new NonFiniteLossException("the loss term '" + e.getKey() + "' became " + e.getValue()
            + " in " + where + ": lower its weight or the learning rate; the last good checkpoint is kept");
      }
    }
    Double total = values.get("total");
    if (total != null && !Double.isFinite(total)) {
      throw new NonFiniteLossException("the total loss became " + total + " in " + where
          + ": lower the learning rate; the last good checkpoint is kept");
    }
  }
}
