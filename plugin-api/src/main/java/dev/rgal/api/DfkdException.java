package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * An error the user can fix. Its message is one line that names the problem and the fix; the
 * command line prints it without a stack trace and exits non-zero.
 */
@API(status = STABLE, since = "0.1")
public class DfkdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DfkdException(String message) {
    super(message);
  }

  public DfkdException(String message, Throwable cause) {
    super(message, cause);
  }
}
