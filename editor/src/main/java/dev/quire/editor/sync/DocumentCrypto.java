package dev.quire.editor.sync;

import dev.quire.editor.crypto.BatchContent;
import dev.quire.editor.crypto.KeyEnvelopes;
import dev.quire.editor.crypto.Keyring;
import dev.quire.ot.crypto.BatchCipher;
import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.crypto.UnreadableBatchException;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Device;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.KeyEnvelope;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One encrypted document's keys and ciphertext, for its {@link DocumentLink}: fetches the members'
 * devices (pinning their keys on first sight, refusing changed ones) and the envelopes sealed to
 * this device, seals the current keys for members' devices that lack them, rotates the key when the
 * owner removes a member or the relay says a removal left it due, seals outgoing batches and opens
 * incoming ones. Owner thread only.
 */
final class DocumentCrypto {
  private final SyncEngine engine;
  private final DocumentSession session;
  private final Keyring keyring;
  private long epoch; // the relay's current epoch, as last heard; 0 before
  private List<Device> devices = List.of();
  private List<Consumer<String>> rotationWaiters; // while a rotation is under way, who waits for it
  private RelayConnection rotationOn; // the connection that rotation was asked on

  /** An incoming batch needs a key or a device this profile does not have yet. */
  static final class MissingKey extends Exception {
    private static final long serialVersionUID = 1L;

    MissingKey(String message) {
      super(message);
    }
  }

  DocumentCrypto(SyncEngine engine, DocumentSession session) {
    this.engine = engine;
    this.session = session;
    this.keyring = engine.keyring();
  }

  private String doc() {
    return session.id();
  }

  boolean encrypted() {
    return keyring.isEncrypted(doc());
  }

  /**
   * Reads the devices and this device's envelopes from the relay, then seals the keys this profile
   * has for the members' devices that lack the current one, and, on the owner's client, rotates the
   * key when the relay says a removal left it due (protocol 8: an administrator's {@code grant ...
   * none}, or a removal whose rotation did not happen); {@code done} runs after, or {@code fail}
   * with the reason (a changed device key, a refusal). A rotation the relay refuses is reported as
   * a problem and tried again at the next reading.
   */
  void refresh(RelayConnection conn, Runnable done, Consumer<String> fail) {
    read(
        conn,
        rotationDue -> {
          if (!rotationDue || session.role() != Role.OWNER) {
            done.run();
            return;
          }
          rotateNow(
              conn,
              why -> {
                if (why != null) {
                  session.problem("a member was removed and the key is due to rotate, but " + why);
                }
                done.run();
              });
        },
        fail);
  }

  /**
   * Reads the devices and this device's envelopes, seals for the members' devices lacking the
   * current key, then gives {@code then} whether the relay says a rotation is due.
   */
  private void read(RelayConnection conn, Consumer<Boolean> then, Consumer<String> fail) {
    boolean sent =
        engine.request(
            conn,
            new ClientMessage.Devices(doc()),
            m -> {
              if (m instanceof ServerMessage.Error e && e.code() == ErrorCode.UNKNOWN_DOCUMENT) {
                // the relay lost it: no keys to read; the catch-up finds out the rest
                then.accept(false);
                return;
              }
              if (!(m instanceof ServerMessage.Devices d)) {
                fail.accept("the relay did not list the document's devices: " + describe(m));
                return;
              }
              String changed = pinAll(d.devices());
              if (changed != null) {
                fail.accept(changed);
                return;
              }
              keyring.markEncrypted(doc()); // the relay says so
              // The epoch moves only with the keys answer below: moved here, an edit typed before
              // that answer would find no key for it and pause sync as if none had been sealed.
              devices = d.devices();
              engine.request(
                  conn,
                  new ClientMessage.Keys(doc()),
                  k -> {
                    if (!(k instanceof ServerMessage.Keys keys)) {
                      fail.accept("the relay did not give the document's keys: " + describe(k));
                      return;
                    }
                    epoch = keys.epoch();
                    openEnvelopes(keys.envelopes());
                    sealForDevicesLacking(conn, () -> then.accept(d.rotationDue()));
                  });
            });
    if (!sent) {
      fail.accept("the connection closed");
    }
  }

  private static String describe(ServerMessage m) {
    return m instanceof ServerMessage.Error e
        ? e.code().wireName() + ": " + e.message()
        : "it answered " + m.type();
  }

  /** Pins every device's keys; the reason to stop when one differs from its pinned keys. */
  private String pinAll(List<Device> seen) {
    for (Device d : seen) {
      Optional<DeviceKeys> before = keyring.pin(d.user(), d.clientId(), d.keys());
      if (before.isPresent()) {
        return "device "
            + d.clientId()
            + " of "
            + d.user()
            + " now presents other keys (fingerprint "
            + Keyring.fingerprint(d.keys())
            + ") than the ones seen before ("
            + Keyring.fingerprint(before.get())
            + "): refused, nothing is sent to it or taken from it. Compare fingerprints with"
            + " its owner ('quire devices')";
      }
    }
    return null;
  }

  private void openEnvelopes(List<KeyEnvelope> envelopes) {
    for (KeyEnvelope e : envelopes) {
      if (keyring.key(doc(), e.epoch()).isPresent()) {
        continue;
      }
      Optional<DeviceKeys> sender = keyring.pinned(e.user(), e.clientId());
      if (sender.isEmpty()) {
        session.problem(
            "a key of epoch "
                + e.epoch()
                + " comes from device "
                + e.clientId()
                + " of "
                + e.user()
                + ", which this profile has not seen: not taken");
        continue;
      }
      try {
        byte[] key =
            KeyEnvelopes.open(
                e.envelope(),
                doc(),
                e.epoch(),
                engine.user(),
                session.sync().clientId(),
                keyring.agreement(),
                sender.get().agreementKey());
        keyring.putKey(doc(), e.epoch(), key);
      } catch (UnreadableBatchException x) {
        session.problem(
            "the key of epoch " + e.epoch() + " from " + e.user() + ": " + x.getMessage());
      }
    }
  }

  /**
   * Seals every key this profile has, up to the current epoch, for devices lacking the current;
   * {@code done} runs once the relay answered every seal (at once when there is nothing to seal).
   */
  private void sealForDevicesLacking(RelayConnection conn, Runnable done) {
    List<Device> lacking = devices.stream().filter(d -> d.member() && !d.sealed()).toList();
    if (lacking.isEmpty() || keyring.key(doc(), epoch).isEmpty()) {
      done.run();
      return;
    }
    Map<Long, byte[]> keys = keyring.keys(doc()).headMap(epoch, true);
    int[] waiting = {keys.size()};
    for (Map.Entry<Long, byte[]> k : keys.entrySet()) {
      List<KeyEnvelope> envelopes = envelopesFor(lacking, k.getKey(), k.getValue());
      boolean sent =
          engine.request(
              conn,
              new ClientMessage.Seal(doc(), k.getKey(), false, envelopes),
              m -> {
                if (m instanceof ServerMessage.Error e) {
                  session.problem("the relay did not take the document's keys: " + describe(e));
                }
                if (--waiting[0] == 0) {
                  done.run();
                }
              });
      if (!sent) {
        return; // the connection closed: the next one seals them
      }
    }
  }

  private List<KeyEnvelope> envelopesFor(List<Device> to, long keyEpoch, byte[] key) {
    List<KeyEnvelope> out = new ArrayList<>();
    for (Device d : to) {
      out.add(
          new KeyEnvelope(
              keyEpoch,
              d.user(),
              d.clientId(),
              KeyEnvelopes.seal(
                  key,
                  doc(),
                  keyEpoch,
                  d.user(),
                  d.clientId(),
                  d.keys().agreementKey(),
                  keyring.agreement())));
    }
    return out;
  }

  /**
   * A new key, epoch after the current one, sealed for every device of the members left (after a
   * member was removed), in one request; {@code done} gets null, or the reason it failed.
   */
  void rotate(RelayConnection conn, Consumer<String> done) {
    read(conn, rotationDue -> rotateNow(conn, done), done);
  }

  /**
   * Rotates from the epoch just read. The new key is kept only once the relay took the rotation:
   * kept before, a refused one (another device of the owner rotated first) would shadow the key of
   * that epoch which the other device sealed for this one.
   */
  private void rotateNow(RelayConnection conn, Consumer<String> done) {
    if (rotationWaiters != null && rotationOn == conn) {
      rotationWaiters.add(done); // a removal's and a due rotation at once: one rotation serves both
      return;
    }
    if (rotationWaiters != null) { // its connection closed: the answer will not come
      List<Consumer<String>> lost = rotationWaiters;
      rotationWaiters = null;
      lost.forEach(w -> w.accept("the connection closed"));
    }
    List<Consumer<String>> waiting = new ArrayList<>(List.of(done));
    rotationWaiters = waiting;
    rotationOn = conn;
    Consumer<String> all =
        why -> {
          if (rotationWaiters == waiting) {
            rotationWaiters = null;
          }
          waiting.forEach(w -> w.accept(why));
        };
    long next = epoch + 1;
    byte[] key = BatchCipher.newKey();
    boolean sent =
        engine.request(
            conn,
            rotationTo(next, key),
            m -> {
              if (m instanceof ServerMessage.Sealed s) {
                keyring.putKey(doc(), next, key);
                epoch = s.epoch();
                all.accept(null);
              } else {
                all.accept("the relay did not rotate the key: " + describe(m));
              }
            });
    if (!sent) {
      all.accept("the connection closed");
    }
  }

  /**
   * The request making {@code next} the current epoch, its key sealed for every member's device.
   */
  private ClientMessage.Seal rotationTo(long next, byte[] key) {
    return new ClientMessage.Seal(
        doc(),
        next,
        true,
        envelopesFor(devices.stream().filter(Device::member).toList(), next, key));
  }

  /**
   * After a refill, brings the relay's epochs back to this profile's last: reads the devices and
   * keys (sealing the current epoch's key for devices lacking it), then, one epoch at a time, seals
   * the key this profile holds for the next epoch for every member's device, rotating to it. {@code
   * done} gets null, or why it stopped.
   */
  void restoreEpochs(RelayConnection conn, Consumer<String> done) {
    read(conn, rotationDue -> restoreFrom(conn, done), done);
  }

  private void restoreFrom(RelayConnection conn, Consumer<String> done) {
    NavigableMap<Long, byte[]> held = keyring.keys(doc());
    if (held.isEmpty() || epoch >= held.lastKey()) {
      done.accept(null);
      return;
    }
    long next = epoch + 1;
    byte[] key = held.get(next);
    if (key == null) {
      done.accept("this profile lacks the key of epoch " + next + " to give the relay back");
      return;
    }
    engine.request(
        conn,
        rotationTo(next, key),
        m -> {
          if (m instanceof ServerMessage.Sealed s) {
            epoch = s.epoch();
            restoreFrom(conn, done);
          } else {
            done.accept(
                "the relay did not take back the key of epoch " + next + ": " + describe(m));
          }
        });
  }

  /** The relay moved to another epoch (a stale batch): fetch its key before sealing again. */
  void epochMoved() {
    epoch = 0;
  }

  /**
   * {@code plain} sealed under the current key (the same ciphertext for a resend), durable when it
   * completes; null when this profile lacks the current key (refresh first).
   */
  CompletableFuture<WireBatch> seal(WireBatch plain) {
    Optional<byte[]> key = epoch == 0 ? Optional.empty() : keyring.key(doc(), epoch);
    if (key.isEmpty()) {
      return null;
    }
    return keyring.seal(doc(), plain, epoch, key.get());
  }

  /**
   * The plaintext of a page of batches, verified and decrypted.
   *
   * @throws MissingKey when a batch's key or its sender's device is not known here yet
   * @throws UnreadableBatchException naming the revision when one does not verify or decrypt
   */
  List<WireSequenced> open(List<WireSequenced> page) throws MissingKey {
    List<WireSequenced> out = new ArrayList<>(page.size());
    for (WireSequenced ws : page) {
      out.add(open(ws));
    }
    return out;
  }

  private WireSequenced open(WireSequenced ws) throws MissingKey {
    WireBatch wire = ws.batch();
    SealedBatch sealed;
    try {
      sealed = BatchContent.sealedOf(wire);
    } catch (UnreadableBatchException e) {
      throw unreadable(ws, e);
    }
    Optional<byte[]> key = keyring.key(doc(), sealed.epoch());
    if (key.isEmpty()) {
      throw new MissingKey(
          "revision " + ws.firstRevision() + " needs the key of epoch " + sealed.epoch());
    }
    Optional<DeviceKeys> sender = keyring.pinned(ws.author(), wire.clientId());
    if (sender.isEmpty()) {
      throw new MissingKey(
          "revision "
              + ws.firstRevision()
              + " comes from device "
              + wire.clientId()
              + " of "
              + ws.author()
              + ", not seen yet");
    }
    try {
      return BatchContent.open(ws, doc(), key.get(), sender.get().signingKey());
    } catch (UnreadableBatchException e) {
      throw unreadable(ws, e);
    }
  }

  private UnreadableBatchException unreadable(WireSequenced ws, UnreadableBatchException e) {
    return new UnreadableBatchException(
        "revision "
            + ws.firstRevision()
            + " of encrypted document "
            + doc()
            + " from the relay (by "
            + ws.author()
            + ", device "
            + ws.batch().clientId()
            + ") is refused: "
            + e.getMessage()
            + "; nothing of it was applied");
  }
}
