package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who may do what with one document: each user's role, read on first need and kept until the
 * document's sharing changes, and the checks requests make against it. In open mode the owner is
 * owner and everybody else an editor, with nothing to read. Confined to the document's executor.
 */
final class DocumentRoles {
  private final String id;
  private final boolean openMode;
  private final Map<String, Optional<Role>> roles = new HashMap<>();

  DocumentRoles(String id, boolean openMode) {
    this.id = id;
    this.openMode = openMode;
  }

  /** Remembers a role just read or changed (empty: none). */
  void known(String user, Optional<Role> role) {
    roles.put(user, role);
  }

  /** The role last read of {@code user}: null when unknown, empty when the user has none. */
  Optional<Role> known(String user) {
    return roles.get(user);
  }

  /** Forgets every role read. */
  void forget() {
    roles.clear();
  }

  /**
   * The user's role on the live document {@code row} (null when there is none, or the document is
   * not live), reading it first through {@code read} when it is not known.
   */
  Role roleOf(DocumentRow row, String user, Function<String, RuntimeException> read) {
    if (row == null || row.deleted()) {
      return null;
    }
    if (openMode) {
      return row.owner().equals(user) ? Role.OWNER : Role.EDITOR;
    }
    Optional<Role> role = roles.get(user);
    if (role == null) {
      throw read.apply(user);
    }
    return role.orElse(null);
  }

  /**
   * Refuses unless {@code role} (null: none) is at least {@code needed}.
   *
   * @throws Refusal {@code UNKNOWN_DOCUMENT} without a role (nobody is told the document exists),
   *     {@code FORBIDDEN} with too small a one
   */
  void require(String user, Role role, Role needed) {
    if (role == null) {
      throw new Refusal(ErrorCode.UNKNOWN_DOCUMENT, "no document " + id);
    }
    boolean allowed =
        switch (needed) {
          case VIEWER -> true;
          case EDITOR -> role.canEdit();
          case OWNER -> role.canManage();
        };
    if (!allowed) {
      throw new Refusal(
          ErrorCode.FORBIDDEN,
          user + " is " + role.wireName() + " of " + id + "; this needs " + needed.wireName());
    }
  }
}
