package dev.quire.ot.operation;

/**
 * A well-formed operation that does not fit what it meets: a document of another length, or an
 * operation it is composed or transformed with whose lengths disagree. Refused when applied.
 */
public class OperationMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public OperationMismatchException(String message) {
    super(message);
  }
}
