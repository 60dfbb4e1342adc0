package dev.quire.editor.cli;

import dev.quire.editor.history.SealedHistoryWriter;
import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.WireSequenced;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code export --history} of an encrypted document: its ciphertext chain as the profile keeps it
 * (docs/history-format.md, version 4), with the keys of the devices that sealed its batches and the
 * relay's signatures of the chain. Refuses, writing nothing, when the profile does not keep every
 * batch up to its head ({@link Gap}).
 */
final class SealedExport {
  private static final int PAGE = 10_000;

  private SealedExport() {}

  static void write(
      LocalStore store, LocalDocument d, LocalStore.KeyringRows keyring, OutputStream stream) {
    Map<String, String> pinned = new HashMap<>();
    keyring.pins().forEach(p -> pinned.put(p.user() + "\n" + p.clientId(), p.signingKey()));
    String own = Ed25519.publicKey(Ed25519.fromPrivate(ProfileCommand.await(store.deviceKey())));
    List<SealedHistoryWriter.Device> devices = new ArrayList<>();
    for (Map.Entry<String, String> a : ProfileCommand.await(store.sealedDevices(d.id()))) {
      String key = pinned.get(a.getKey() + "\n" + a.getValue());
      if (key == null && a.getValue().equals(store.clientId())) {
        key = own;
      }
      if (key == null) {
        throw new CliException(
            ExitCodes.FAILED,
            "the key of device "
                + a.getValue()
                + " of "
                + a.getKey()
                + ", which sealed batches of "
                + d.id()
                + ", is not in this profile: sync the document first");
      }
      devices.add(new SealedHistoryWriter.Device(a.getKey(), a.getValue(), key));
    }
    List<LocalStore.RelaySigned> kept =
        ProfileCommand.await(store.relaySignatures(d.id())).stream()
            .filter(k -> k.signature().textHash() == null && k.signature().revision() <= d.head())
            .toList();
    String relayKey = kept.isEmpty() ? null : kept.get(kept.size() - 1).relayKey();
    Map<Long, RelaySignature> signatures = new HashMap<>();
    kept.stream()
        .filter(k -> k.relayKey().equals(relayKey))
        .forEach(k -> signatures.put(k.signature().revision(), k.signature()));
    SealedHistoryWriter w =
        new SealedHistoryWriter(
            stream,
            d.id(),
            d.title(),
            d.createdMillis(),
            System.currentTimeMillis(),
            relayKey,
            signatures,
            devices);
    long next = 1;
    while (next <= d.head()) {
      List<WireSequenced> page =
          ProfileCommand.await(store.sealedBatches(d.id(), next, next + PAGE - 1));
      if (page.isEmpty() || page.get(0).firstRevision() != next) {
        throw missing(d, next);
      }
      for (WireSequenced b : page) {
        if (b.firstRevision() != next) {
          throw missing(d, next);
        }
        if (b.lastRevision() > d.head()) {
          if (b.firstRevision() <= d.head()) {
            throw missing(d, next); // a kept batch across the head: not this copy's history
          }
          break; // received, not applied yet: after this copy's head
        }
        w.batch(b);
        next = b.lastRevision() + 1;
      }
    }
    w.finish();
  }

  /** The profile does not keep the ciphertext of {@code revision}; nothing was written. */
  static final class Gap extends RuntimeException {
    final long revision;

    Gap(long revision) {
      super("no kept ciphertext of revision " + revision, null, false, false);
      this.revision = revision;
    }
  }

  private static Gap missing(LocalDocument d, long revision) {
    return new Gap(revision);
  }

  /**
   * The refusal for a profile that lacks the ciphertext of {@code revision}.
   *
   * @param why why the relay could not give it
   */
  static CliException refusal(LocalDocument d, long revision, String why) {
    return new CliException(
        ExitCodes.FAILED,
        "this profile does not keep the ciphertext of revision "
            + revision
            + " of "
            + d.id()
            + " (it received it before it kept ciphertext) and could not fetch it ("
            + why
            + "); nothing was written."
            + " --plaintext writes the plaintext history");
  }
}
