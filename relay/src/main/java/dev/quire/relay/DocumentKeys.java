package dev.quire.relay;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.crypto.SealedBatch;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.Device;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.KeyEnvelope;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.relay.store.KeyStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the relay does for an end-to-end encrypted document without its key (protocol 6): lists its
 * members' devices, hands each device the envelopes sealed to it, stores envelopes and rotations,
 * and checks each batch's form, device, signature and epoch. Runs on the document's executor.
 */
final class DocumentKeys {
  /**
   * Each operation of an encrypted batch after the sealed one: it holds a revision, nothing else.
   */
  static final String PLACEHOLDER = "0";

  private final DocumentActor actor;
  private final String id;
  private final RelayContext ctx;

  DocumentKeys(DocumentActor actor, String id, RelayContext ctx) {
    this.actor = actor;
    this.id = id;
    this.ctx = ctx;
  }

  void devices(Session s, String rid) {
    actor.requireRole(s, Role.VIEWER);
    requireEncrypted();
    long epoch = actor.keyEpoch();
    s.answer(
        rid,
        new ServerMessage.Devices(id, epoch, keys().devices(id, epoch), keys().rotationDue(id)));
  }

  void keys(Session s, String rid) {
    actor.requireRole(s, Role.VIEWER);
    requireEncrypted();
    long epoch = actor.keyEpoch();
    s.answer(
        rid, new ServerMessage.Keys(id, epoch, keys().envelopesFor(id, s.user(), s.clientId())));
  }

  void seal(Session s, String rid, ClientMessage.Seal m) {
    actor.requireRole(s, m.rotate() ? Role.OWNER : Role.VIEWER);
    requireEncrypted();
    requireDevice(s.user(), s.clientId());
    long current = actor.keyEpoch();
    if (m.rotate() ? m.epoch() != current + 1 : m.epoch() > current) {
      throw staleEpoch(current, m.rotate() ? "a rotation must be to epoch " + (current + 1) : "");
    }
    Set<String> members = new HashSet<>();
    for (Device d : keys().devices(id, current)) {
      if (d.member()) {
        members.add(d.user() + "\n" + d.clientId());
      }
    }
    for (KeyEnvelope e : m.envelopes()) {
      if (!members.contains(e.user() + "\n" + e.clientId())) {
        throw new Refusal(
            ErrorCode.UNKNOWN_DEVICE,
            "device "
                + e.clientId()
                + " of "
                + e.user()
                + " is not a registered device of a member of "
                + id);
      }
    }
    if (!keys().seal(id, m.epoch(), m.rotate(), s.user(), s.clientId(), m.envelopes())) {
      actor.forgetKeyEpoch();
      throw staleEpoch(keys().epoch(id), "another rotation came first");
    }
    if (m.rotate()) {
      actor.keyEpochChanged(m.epoch());
      ctx.store().feed().changed(id); // other relays read the epoch again
    }
    s.answer(rid, new ServerMessage.Sealed(id, m.rotate() ? m.epoch() : current));
  }

  /**
   * Checks what can be checked of an encrypted batch before deduplication: one sealed element and
   * no notes outside it, a registered device, a signature by that device over its context.
   *
   * @return the sealed element, whose epoch {@link #requireCurrentEpoch} checks after deduplication
   *     (a resend of a batch stored before a rotation is answered as a resend)
   */
  SealedBatch check(Session s, WireBatch wb) {
    if (wb.notes() != null) {
      throw new Refusal(
          ErrorCode.MALFORMED, id + " is encrypted: a batch's notes travel inside its ciphertext");
    }
    for (int i = 1; i < wb.size(); i++) {
      if (!PLACEHOLDER.equals(wb.operations().get(i))) {
        throw new Refusal(
            ErrorCode.MALFORMED,
            id
                + " is encrypted: batch.operations["
                + i
                + "] must be the placeholder 0 (the sealed element comes first)");
      }
    }
    SealedBatch sealed;
    try {
      sealed = SealedBatch.parse(wb.operations().get(0));
    } catch (MalformedMessageException e) {
      throw new Refusal(ErrorCode.MALFORMED, "batch.operations[0]: " + e.getMessage());
    }
    DeviceKeys device = requireDevice(s.user(), wb.clientId());
    if (!sealed.verify(device.signingKey(), id, wb.clientId(), wb.batchSeq(), wb.baseRevision())) {
      throw new Refusal(
          ErrorCode.BAD_SIGNATURE,
          "the batch's signature does not verify with the key registered for device "
              + wb.clientId());
    }
    return sealed;
  }

  /** Refuses a batch sealed under another epoch than the document's current one. */
  void requireCurrentEpoch(SealedBatch sealed) {
    long current = actor.keyEpoch();
    if (sealed.epoch() != current) {
      throw staleEpoch(current, "");
    }
  }

  private Refusal staleEpoch(long current, String detail) {
    return new Refusal(
        ErrorCode.STALE_EPOCH,
        "the key epoch of "
            + id
            + " is "
            + current
            + (detail.isEmpty() ? "" : ": " + detail)
            + "; fetch its key (keys) and seal again");
  }

  private DeviceKeys requireDevice(String user, String clientId) {
    return keys()
        .device(user, clientId)
        .orElseThrow(
            () ->
                new Refusal(
                    ErrorCode.UNKNOWN_DEVICE,
                    "device " + clientId + " of " + user + " has no keys registered (device)"));
  }

  private void requireEncrypted() {
    if (!actor.row().encrypted()) {
      throw new Refusal(ErrorCode.NOT_ENCRYPTED, id + " is not an encrypted document");
    }
  }

  private KeyStore keys() {
    return ctx.store().keys();
  }

  /** The epochs' envelopes of one device, for tests and tools. */
  static List<KeyEnvelope> of(KeyStore store, String doc, String user, String clientId) {
    return store.envelopesFor(doc, user, clientId);
  }
}
