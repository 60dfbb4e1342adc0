package dev.quire.ot.protocol;

import java.util.Objects;

/**
 * A registered device of a document's member, as {@code devices} lists it (protocol 6).
 *
 * @param user the member
 * @param clientId the device's client id
 * @param keys its public keys
 * @param sealed whether it holds an envelope of the document's current epoch key
 */
public record Device(String user, String clientId, DeviceKeys keys, boolean sealed) {
  public Device {
    Ids.requireUserName(user);
    Ids.requireText("clientId", clientId, Ids.MAX_NAME);
    Objects.requireNonNull(keys, "keys == null");
  }
}
