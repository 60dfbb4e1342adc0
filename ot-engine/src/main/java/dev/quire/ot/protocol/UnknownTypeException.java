package dev.quire.ot.protocol;

import dev.quire.ot.codec.MalformedMessageException;

/** A well-formed message whose {@code type} the reader does not know. */
public final class UnknownTypeException extends MalformedMessageException {
  private static final long serialVersionUID = 1L;

  private final String messageType;

  public UnknownTypeException(String messageType) {
    super("unknown message type \"" + Ids.abbreviate(messageType) + "\"");
    this.messageType = messageType;
  }

  /** The type that was not known. */
  public String messageType() {
    return messageType;
  }
}
