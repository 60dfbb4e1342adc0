package dev.quire.ot.protocol;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** What a user may do with a document. On the wire: {@code "owner"}, {@code "editor"}, ... */
public enum Role {
  /** Created the document: may read, edit, rename, delete and share it. */
  OWNER,
  /** May read and edit. */
  EDITOR,
  /** May read, open and send presence; submits are refused. */
  VIEWER;

  public boolean canEdit() {
    return this != VIEWER;
  }

  public boolean canManage() {
    return this == OWNER;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role for a wire name, or null when unknown. */
  public static @Nullable Role fromWire(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    return null;
  }
}
