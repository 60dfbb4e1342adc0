package dev.quire.relay.store.sql;

import java.util.Objects;

/**
 * Which acknowledged appends an access must see: those of every document, of one, or none (for
 * tables appends never touch: users, tokens, roles, client ids, signatures). The embedded database
 * waits for its journal that far before it reads; PostgreSQL has the appends once they are
 * acknowledged, and waits for nothing.
 */
public final class Scope {
  public static final Scope ALL = new Scope(null);
  public static final Scope NONE = new Scope(null);
  private final String doc;

  private Scope(String doc) {
    this.doc = doc;
  }

  /** The appends of {@code doc}. */
  public static Scope document(String doc) {
    return new Scope(Objects.requireNonNull(doc, "doc == null"));
  }

  /** The document whose appends it names, or null for {@link #ALL} and {@link #NONE}. */
  public String doc() {
    return doc;
  }
}
