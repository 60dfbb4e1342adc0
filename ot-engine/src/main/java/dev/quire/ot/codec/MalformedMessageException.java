package dev.quire.ot.codec;

/**
 * A sync message or persisted client state that is not what its JSON form allows: not JSON, a
 * missing or unknown field, a field of the wrong type, a number out of range, an operation that is
 * malformed or does not chain. The message names the offending field by its path, for example
 * {@code batch.operations[2]}. Refused when decoded; never worth retrying.
 */
public class MalformedMessageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
