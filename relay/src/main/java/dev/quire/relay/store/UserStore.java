package dev.quire.relay.store;

import java.util.List;
import java.util.Optional;

/**
 * Users and their tokens. A token is shown once, when made, and stored only as its hash ({@link
 * Tokens}). Implementations are thread-safe; each method is one transaction, and a change is
 * durable when it returns. Every method throws {@link StoreException} when the storage fails.
 */
public interface UserStore {
  /** A user as {@code user list} shows it. */
  record UserInfo(String name, long createdMillis, boolean revoked, int activeTokens) {}

  /**
   * Adds a user and returns their first token.
   *
   * @throws StoreException when the name is taken
   * @throws IllegalArgumentException when the name is not a valid user name
   */
  String add(String name);

  /** Makes sure {@code name} exists (open mode's guest), without a token. */
  void ensure(String name);

  /**
   * Issues another token for an existing, active user.
   *
   * @throws StoreException when there is no such user or they are revoked
   */
  String issueToken(String name);

  /**
   * Revokes the user and every token they have. Their documents and history stay.
   *
   * @throws StoreException when there is no such user or they are revoked already
   */
  void revoke(String name);

  /** The active user a token belongs to, if the token is known and not revoked. */
  Optional<String> authenticate(String token);

  /** True when {@code name} is a user who has not been revoked. */
  boolean isActive(String name);

  /** Every user, by name. */
  List<UserInfo> list();
}
