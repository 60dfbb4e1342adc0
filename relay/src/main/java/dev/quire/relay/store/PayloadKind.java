package dev.quire.relay.store;

/** How the relay treats a document's operations. */
public enum PayloadKind {
  /** The relay validates and canonicalises every batch, and keeps checkpoints of the text. */
  READABLE,
  /** The relay stores and serves each batch as sent, without reading it (end-to-end encryption). */
  OPAQUE,
  /**
   * End-to-end encrypted (protocol 6): stored and served as sent, like {@link #OPAQUE}, and each
   * batch must be one sealed element signed by a registered device at the document's current key
   * epoch ({@code dev.quire.ot.crypto.SealedBatch}).
   */
  ENCRYPTED;

  /** True when the relay stores the operations as sent, without reading them. */
  public boolean opaque() {
    return this != READABLE;
  }
}
