package dev.quire.editor.crypto;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.crypto.BatchCipher;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.WireBatch;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a profile holds for end-to-end encrypted documents: its device's keys (the Ed25519 key it
 * signs batches with, the X25519 key document keys are sealed to), which documents are encrypted,
 * each one's keys by epoch, the device keys it has seen (pinned on first use: a changed key for a
 * known device is refused), and the sealed form of each batch in flight (a resend, even after a
 * restart, is the same ciphertext, which the relay recognises). Read once from the profile, kept in
 * memory, every change written through. Thread-safe.
 */
public final class Keyring {
  private final LocalStore store;
  private final KeyPair signing;
  private final AgreementKeys agreement;
  private final Set<String> encrypted = ConcurrentHashMap.newKeySet();
  private final Map<String, NavigableMap<Long, byte[]>> keys = new ConcurrentHashMap<>();
  private final Map<String, DeviceKeys> pins = new ConcurrentHashMap<>();
  private final Map<String, LocalStore.SealedBatchRow> sealed = new ConcurrentHashMap<>();

  private Keyring(LocalStore store, KeyPair signing, AgreementKeys agreement) {
    this.store = store;
    this.signing = signing;
    this.agreement = agreement;
  }

  /** Reads the profile's keyring, making the device keys on first use. */
  public static CompletableFuture<Keyring> load(LocalStore store) {
    return store
        .deviceKey()
        .thenCombine(store.agreementKey(), (sign, agree) -> new Object[] {sign, agree})
        .thenCompose(
            k ->
                store
                    .keyring()
                    .thenApply(
                        rows -> {
                          Keyring r =
                              new Keyring(
                                  store,
                                  Ed25519.fromPrivate((byte[]) k[0]),
                                  AgreementKeys.fromPrivate((byte[]) k[1]));
                          r.encrypted.addAll(rows.encrypted());
                          for (LocalStore.DocumentKeyRow row : rows.keys()) {
                            r.keysOf(row.doc())
                                .put(row.epoch(), Base64.getDecoder().decode(row.key()));
                          }
                          for (LocalStore.PinnedDevice p : rows.pins()) {
                            r.pins.put(
                                pinKey(p.user(), p.clientId()),
                                new DeviceKeys(p.signingKey(), p.agreementKey()));
                          }
                          rows.sealed().forEach(s -> r.sealed.put(s.doc(), s));
                          store.addPurgeListener(new ForgetPurged(store, r));
                          return r;
                        }));
  }

  /**
   * Forgets a deleted document once the profile has purged it, for as long as the keyring is in
   * use: keyrings have no end of their own (each window, sync engine and command loads one), so the
   * store holds this, not the keyring, and it leaves the store with the keyring.
   */
  private static final class ForgetPurged implements LocalStore.PurgeListener {
    private final LocalStore store;
    private final WeakReference<Keyring> keyring;

    ForgetPurged(LocalStore store, Keyring keyring) {
      this.store = store;
      this.keyring = new WeakReference<>(keyring);
    }

    @Override
    public void purged(String id) {
      Keyring k = keyring.get();
      if (k == null) {
        store.removePurgeListener(this);
      } else {
        k.forget(id);
      }
    }
  }

  /** Drops what is kept of {@code doc}: the profile deleted it, with its keys. */
  private void forget(String doc) {
    encrypted.remove(doc);
    keys.remove(doc);
    sealed.remove(doc);
  }

  // ---- this device ----

  /** This device's public keys, as it registers them with the relay. */
  public DeviceKeys publicKeys() {
    return new DeviceKeys(Ed25519.publicKey(signing), agreement.publicKey());
  }

  public PrivateKey signingKey() {
    return signing.getPrivate();
  }

  public AgreementKeys agreement() {
    return agreement;
  }

  // ---- documents and their keys ----

  public boolean isEncrypted(String doc) {
    return encrypted.contains(doc);
  }

  /** Records that {@code doc} is encrypted (the relay said so, or it was created so here). */
  public CompletableFuture<Void> markEncrypted(String doc) {
    if (!encrypted.add(doc)) {
      return CompletableFuture.completedFuture(null);
    }
    return store.keyringWrite(
        "MERGE INTO encrypted_documents (doc_id) KEY (doc_id) VALUES (?)", doc);
  }

  /** A document created here encrypted: its first key, epoch 1, made now. */
  public CompletableFuture<Void> newDocument(String doc) {
    return markEncrypted(doc).thenCompose(v -> putKey(doc, 1, BatchCipher.newKey()));
  }

  private NavigableMap<Long, byte[]> keysOf(String doc) {
    return keys.computeIfAbsent(doc, d -> new java.util.concurrent.ConcurrentSkipListMap<>());
  }

  /** The document's key of {@code epoch}, if this profile has it. */
  public Optional<byte[]> key(String doc, long epoch) {
    NavigableMap<Long, byte[]> m = keys.get(doc);
    return Optional.ofNullable(m == null ? null : m.get(epoch));
  }

  /** Every key of the document this profile has, by epoch. */
  public NavigableMap<Long, byte[]> keys(String doc) {
    NavigableMap<Long, byte[]> m = keys.get(doc);
    return m == null ? new TreeMap<>() : new TreeMap<>(m);
  }

  /** Keeps a document key; one already held for the epoch stays. */
  public CompletableFuture<Void> putKey(String doc, long epoch, byte[] key) {
    if (keysOf(doc).putIfAbsent(epoch, key.clone()) != null) {
      return CompletableFuture.completedFuture(null);
    }
    return store.keyringWrite(
        "MERGE INTO document_keys (doc_id, epoch, doc_key) KEY (doc_id, epoch) VALUES (?, ?, ?)",
        doc,
        epoch,
        Base64.getEncoder().encodeToString(key));
  }

  // ---- pinned devices ----

  private static String pinKey(String user, String clientId) {
    return user + "\n" + clientId;
  }

  /**
   * Pins the device's keys on first sight. Empty when they are pinned now or were pinned the same;
   * the keys pinned before when these differ (nothing changes then).
   */
  public Optional<DeviceKeys> pin(String user, String clientId, DeviceKeys seen) {
    DeviceKeys before = pins.putIfAbsent(pinKey(user, clientId), seen);
    if (before == null) {
      store.keyringWrite(
          "MERGE INTO pinned_devices (user_name, client_id, signing_key, agreement_key)"
              + " KEY (user_name, client_id) VALUES (?, ?, ?, ?)",
          user,
          clientId,
          seen.signingKey(),
          seen.agreementKey());
      return Optional.empty();
    }
    return before.equals(seen) ? Optional.empty() : Optional.of(before);
  }

  /** The keys pinned for a device, if it was seen. */
  public Optional<DeviceKeys> pinned(String user, String clientId) {
    return Optional.ofNullable(pins.get(pinKey(user, clientId)));
  }

  /** A pinned device, for listing. */
  public record Pinned(String user, String clientId, DeviceKeys keys) {}

  /** Every pinned device, by user and client id. */
  public List<Pinned> pinnedDevices() {
    List<Pinned> out = new ArrayList<>();
    pins.forEach(
        (k, v) -> {
          int nl = k.indexOf('\n');
          out.add(new Pinned(k.substring(0, nl), k.substring(nl + 1), v));
        });
    out.sort((a, b) -> (a.user() + "\n" + a.clientId()).compareTo(b.user() + "\n" + b.clientId()));
    return out;
  }

  // ---- the sealed batch in flight ----

  /**
   * The sealed form of {@code plain} under {@code epoch}: the one made before for the same batch
   * (same number, same content, same epoch), else sealed now and kept (durable before the returned
   * future completes, so it is what a resend after a restart sends).
   */
  public CompletableFuture<WireBatch> seal(String doc, WireBatch plain, long epoch, byte[] key) {
    String digest = digest(plain);
    LocalStore.SealedBatchRow known = sealed.get(doc);
    if (known != null
        && known.batchSeq() == plain.batchSeq()
        && known.epoch() == epoch
        && known.digest().equals(digest)) {
      return CompletableFuture.completedFuture(
          new WireBatch(
              plain.clientId(),
              plain.batchSeq(),
              plain.baseRevision(),
              elements(known.elements()),
              plain.madeAt()));
    }
    WireBatch wire = BatchContent.seal(plain, doc, key, epoch, signing.getPrivate());
    String elements = dev.quire.ot.codec.CanonicalJson.write(raw(wire.operations()));
    sealed.put(doc, new LocalStore.SealedBatchRow(doc, plain.batchSeq(), epoch, digest, elements));
    return store
        .keyringWrite(
            "MERGE INTO sealed_batches (doc_id, batch_seq, epoch, digest, elements) KEY (doc_id)"
                + " VALUES (?, ?, ?, ?, ?)",
            doc,
            plain.batchSeq(),
            epoch,
            digest,
            elements)
        .thenApply(v -> wire);
  }

  private static List<Object> raw(List<String> ops) {
    List<Object> out = new ArrayList<>(ops.size());
    ops.forEach(op -> out.add(new dev.quire.ot.codec.CanonicalJson.Raw(op)));
    return out;
  }

  private static List<String> elements(String json) {
    try {
      List<String> out = new ArrayList<>();
      new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(json)
          .forEach(n -> out.add(n.toString()));
      return out;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the kept sealed batch is not JSON", e);
    }
  }

  private static String digest(WireBatch b) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Long.toString(b.baseRevision()).getBytes(StandardCharsets.UTF_8));
      for (String op : b.operations()) {
        md.update((byte) '\n');
        md.update(op.getBytes(StandardCharsets.UTF_8));
      }
      if (b.notes() != null) {
        md.update("\nnotes\n".getBytes(StandardCharsets.UTF_8));
        md.update(b.notes().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * A device's fingerprint, for people to compare out of band: the first 80 bits of the SHA-256 of
   * its two public keys, in groups of four hex digits.
   */
  public static String fingerprint(DeviceKeys keys) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (keys.signingKey() + "\n" + keys.agreementKey())
                      .getBytes(StandardCharsets.UTF_8));
      String hex = HexFormat.of().formatHex(d, 0, 10);
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < hex.length(); i += 4) {
        if (i > 0) {
          out.append(' ');
        }
        out.append(hex, i, i + 4);
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
