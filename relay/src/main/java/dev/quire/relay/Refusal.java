package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;

/** A request the relay refuses; carried up to where the error message is sent. */
final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  Refusal(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }
}
