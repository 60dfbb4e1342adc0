package dev.quire.relay.store;

import dev.quire.ot.protocol.Device;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.KeyEnvelope;
import dev.quire.ot.protocol.UserDevice;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the relay keeps for end-to-end encrypted documents (protocol 6), none of it secret: each
 * device's public keys, each encrypted document's current key epoch, and the document keys sealed
 * to devices, opaque to the relay. Implementations are thread-safe; each method is one transaction.
 * Every method throws {@link StoreException} when the storage fails.
 */
public interface KeyStore {
  /**
   * Registers {@code keys} for the device ({@code user}, {@code clientId}) unless it has keys
   * already, and returns the device's keys: {@code keys} when they were new or the same, the ones
   * registered before otherwise (nothing changed then: a device's keys never change).
   */
  DeviceKeys register(String user, String clientId, DeviceKeys keys);

  /** The device's registered keys, if any. */
  Optional<DeviceKeys> device(String user, String clientId);

  /** The user's devices with keys registered and not revoked, by client id. */
  List<UserDevice> devicesOf(String user);

  /** Whether the user revoked the device ({@link #revoke}). */
  boolean revoked(String user, String clientId);

  /**
   * Revokes the user's device, in one transaction: marks it revoked (its keys stay, to verify the
   * batches it sent), deletes the envelopes sealed to it, and marks a rotation due on every
   * encrypted document the user has a role on (one in the trash too).
   *
   * @return how many documents' keys are due to rotate now, or empty when the user has no such
   *     device with keys registered, or revoked it already (nothing changed then)
   */
  OptionalLong revoke(String user, String clientId, long nowMillis);

  /** The document's current key epoch: 1 until it is rotated. */
  long epoch(String doc);

  /**
   * Whether the document's key must rotate (protocol 8): a member's role was removed ({@link
   * DocumentStore#setRole} marks it, in the same transaction) and no rotation was stored since
   * ({@link #seal} with {@code rotate} clears it, in its transaction).
   */
  boolean rotationDue(String doc);

  /**
   * The registered devices of every user with a role on the document, and those that sent batches
   * of it (a former member's, a revoked one), by user then client id, each saying whether it holds
   * an envelope of the key of {@code epoch} and whether it is a member's: its user has a role now
   * and it is not revoked.
   */
  List<Device> devices(String doc, long epoch);

  /**
   * The envelopes sealed to the device, by epoch; each names its sender in {@code user} and {@code
   * clientId}.
   */
  List<KeyEnvelope> envelopesFor(String doc, String user, String clientId);

  /**
   * Stores envelopes of the key of {@code epoch}, sealed by the device ({@code fromUser}, {@code
   * fromClient}); each names its recipient. An envelope for a device that has one of that epoch
   * already is left out (the first stays). With {@code rotate}, {@code epoch} becomes the current
   * epoch in the same transaction, provided the current one is {@code epoch - 1}, and no rotation
   * is due any more.
   *
   * @return false when {@code rotate} and the current epoch is not {@code epoch - 1}: nothing was
   *     stored
   */
  boolean seal(
      String doc,
      long epoch,
      boolean rotate,
      String fromUser,
      String fromClient,
      List<KeyEnvelope> envelopes);
}
