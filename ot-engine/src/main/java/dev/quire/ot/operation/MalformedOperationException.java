package dev.quire.ot.operation;

/**
 * An operation that is wrong in itself, whatever document it meets: a non-positive count, an empty
 * insert, text that is not valid Unicode, a JSON form that is not an operation. Refused when the
 * operation is built or decoded. Never worth retrying.
 */
public class MalformedOperationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedOperationException(String message) {
    super(message);
  }
}
