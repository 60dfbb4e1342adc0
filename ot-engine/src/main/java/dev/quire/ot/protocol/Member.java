package dev.quire.ot.protocol;

import java.util.Objects;

/** A user with a role on a document, as {@code members} lists them. */
public record Member(String user, Role role) {
  public Member {
    Ids.requireUserName(user);
    Objects.requireNonNull(role, "role == null");
  }
}
