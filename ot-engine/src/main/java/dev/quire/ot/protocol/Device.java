package dev.quire.ot.protocol;

import java.util.Objects;

/**
 * A registered device of a document, as {@code devices} lists it (protocol 6): a device of a
 * member, or one that sent batches of the document (a former member's, say), whose key verifies
 * them.
 *
 * @param user its user
 * @param clientId the device's client id
 * @param keys its public keys
 * @param sealed whether it holds an envelope of the document's current epoch key
 * @param member whether its user has a role on the document now (only those get keys)
 */
public record Device(
    String user, String clientId, DeviceKeys keys, boolean sealed, boolean member) {
  public Device {
    Ids.requireUserName(user);
    Ids.requireText("clientId", clientId, Ids.MAX_NAME);
    Objects.requireNonNull(keys, "keys == null");
  }
}
