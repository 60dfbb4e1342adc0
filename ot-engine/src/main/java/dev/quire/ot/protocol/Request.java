package dev.quire.ot.protocol;

import java.util.Objects;

/**
 * A client message with the id its sender chose for it: every answer and every error about it
 * carries that id back ({@link Reply#id()}), so a client matches answers to requests by id.
 */
public record Request(String id, ClientMessage message) {
  public Request {
    Ids.requireRequestId(id);
    Objects.requireNonNull(message, "message == null");
  }

  /** What an error about this request names: its id, type and document. */
  public RequestHeader header() {
    return new RequestHeader(id, message.type(), message.doc());
  }
}
