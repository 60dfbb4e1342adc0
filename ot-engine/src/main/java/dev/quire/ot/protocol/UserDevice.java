package dev.quire.ot.protocol;

/**
 * One of the asking user's devices the relay holds keys for, as {@code myDevices} lists it
 * (protocol 8).
 *
 * @param clientId the device's client id
 * @param registeredMillis when the device first registered its keys (the relay's clock)
 */
public record UserDevice(String clientId, long registeredMillis) {
  public UserDevice {
    Ids.requireText("clientId", clientId, Ids.MAX_NAME);
  }
}
