package dev.quire.relay.store;

/** How the relay treats a document's operations. */
public enum PayloadKind {
  /** The relay validates and canonicalises every batch, and keeps checkpoints of the text. */
  READABLE,
  /** The relay stores and serves each batch as sent, without reading it (end-to-end encryption). */
  OPAQUE
}
