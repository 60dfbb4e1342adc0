package dev.quire.ot.protocol;

import java.util.Objects;

/**
 * A relay message with the id of the request it answers, or a null id for a message no request of
 * the recipient asked for (live batches, presence, another user's rename).
 */
public record Reply(String id, ServerMessage message) {
  public Reply {
    if (id != null) {
      Ids.requireRequestId(id);
    }
    Objects.requireNonNull(message, "message == null");
  }
}
