package dev.quire.relay.store;

/**
 * Which user each client id belongs to: the first user who said hello with it, for good. Bindings
 * are never removed. Implementations are thread-safe.
 */
public interface ClientIdStore {
  /**
   * Binds {@code clientId} to {@code user} unless it is bound already, and returns the user it
   * belongs to: {@code user} when it was free or theirs already, another user otherwise (nothing
   * changed then). When two binds of one free id race, one wins and both return the winner.
   *
   * @throws StoreException when the storage fails
   */
  String bind(String clientId, String user);
}
