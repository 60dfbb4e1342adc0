package dev.quire.editor.store;

import dev.quire.ot.history.Ed25519;
import dev.quire.ot.note.Note;
import dev.quire.ot.note.NoteCodec;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.Ids;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.ClientState;
import dev.quire.ot.text.GapBuffer;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user profile's local store: one H2 file holding the client id, the settings, the documents,
 * each document's canonical log with author and time of every revision, checkpoints, and the outbox
 * of unacknowledged operations.
 *
 * <p><b>Threading.</b> Every database access runs on the store's own thread; every method returns
 * at once with a {@link CompletableFuture} completed on that thread, so no caller (the Swing event
 * thread included) ever waits for the disk. Callers continue on their own thread with {@code
 * thenAcceptAsync(..., ownerExecutor)}. Writes are group-committed: a write is queued, and the
 * store commits everything queued so far in one transaction as soon as it is free, so an edit is
 * durable within one commit's time of being made, however fast edits arrive ({@link #durability()}
 * measures it). Reads and writes run in the order they were called.
 *
 * <p>After a failed commit the store refuses every later write (fail-stop): an outbox with a hole
 * in it would be worse than an error the user sees.
 */
public final class LocalStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStore.class);

  /** A checkpoint of the text is kept every this many revisions. */
  public static final int CHECKPOINT_INTERVAL = 1000;

  /**
   * Opening a document that rebuilt its notes from at least this many revisions keeps a snapshot of
   * them ({@link NotesSnapshot}): the next open reads only the revisions after it.
   */
  static final int NOTES_SNAPSHOT_AFTER = 1000;

  private final java.util.concurrent.atomic.LongAdder notesRevisionsRead =
      new java.util.concurrent.atomic.LongAdder();

  private final ProfileDatabase db;
  private final String clientId;
  // The identity of the relay whose history this profile holds (its welcome's relay), or null
  // before the first welcome: read when the profile opens, changed by rememberRelayIdentity.
  private volatile @Nullable String relayIdentity;
  private final ExecutorService executor;
  private final WriteQueue writes;
  private final Map<String, CompletableFuture<Void>> deadRowDeletions = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> purges = new ConcurrentHashMap<>();
  private final List<DocumentsListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Told after a commit that changed what {@link #documents()} returns: a document created, deleted
   * or renamed, revisions received, or what the relay said about one. Local edits are not announced
   * here (the session that made them tells its own listeners), so typing costs no reads. Called on
   * the store's thread: hand over to your own and keep it short.
   */
  public interface DocumentsListener {
    void documentsChanged();
  }

  /**
   * Told when a deleted document's rows are all gone and its id is free again, so that what is kept
   * of it in memory (its keys in a {@link dev.quire.editor.crypto.Keyring}) goes too. Called on the
   * store's thread, inside the transaction that frees the id: keep it short, and do not wait on the
   * store.
   */
  public interface PurgeListener {
    void purged(String id);
  }

  private final List<PurgeListener> purgeListeners = new CopyOnWriteArrayList<>();

  private final ProfileBackups backups;

  private LocalStore(
      ProfileDatabase db, String clientId, ExecutorService executor, ProfileBackups.Policy policy) {
    this.db = db;
    this.clientId = clientId;
    this.executor = executor;
    this.writes = new WriteQueue(db.connection(), executor);
    this.backups = ProfileBackups.start(db.dir(), policy, () -> writes.stats().writes());
  }

  /** The default profile directory: {@code ~/.quire/profiles/default}. */
  public static Path defaultProfile() {
    return Path.of(System.getProperty("user.home"), ".quire", "profiles", "default");
  }

  /**
   * Opens (creating if needed) the profile in {@code dir}. Blocks while the file opens: call it
   * before showing a window or from a background thread, never from the event thread.
   *
   * @throws StoreOpenException when the profile is in use, unreadable or from a newer Quire
   */
  public static LocalStore open(Path dir) {
    ProfileDatabase db = ProfileDatabase.open(dir);
    try {
      String clientId = ensureClientId(db.connection());
      ExecutorService executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "quire-store");
                t.setDaemon(true);
                return t;
              });
      LocalStore store = new LocalStore(db, clientId, executor, backupPolicy(db.connection()));
      store.relayIdentity = Queries.settings(db.connection()).get(RELAY_IDENTITY);
      store.resumePurges();
      return store;
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw new StoreOpenException(
          StoreOpenException.Reason.IO, "cannot read profile " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String ensureClientId(Connection c) throws SQLException {
    String id = Queries.settings(c).get("client.id");
    if (id == null) {
      id = "c-" + UUID.randomUUID();
      Queries.putSetting(c, "client.id", id);
      c.commit();
    }
    return id;
  }

  private static ProfileBackups.Policy backupPolicy(Connection c) throws SQLException {
    Map<String, String> m = Queries.settings(c);
    ProfileBackups.Policy d = ProfileBackups.Policy.DEFAULT;
    try {
      return new ProfileBackups.Policy(
          java.time.Duration.ofSeconds(
              Long.parseLong(m.getOrDefault("backup.every.seconds", "" + d.every().toSeconds()))),
          Integer.parseInt(m.getOrDefault("backup.keep", "" + d.keep())));
    } catch (IllegalArgumentException e) {
      log.warn("Profile backup settings unreadable ({}); using the defaults", e.getMessage());
      return d;
    }
  }

  /** The profile's rolling backups. */
  public ProfileBackups backups() {
    return backups;
  }

  /** Remembers how often to back up and how many backups to keep, and uses it from now on. */
  public CompletableFuture<Void> saveBackupPolicy(ProfileBackups.Policy p) {
    Objects.requireNonNull(p, "policy == null");
    return writes
        .submit(
            (c, skip) -> {
              Queries.putSetting(c, "backup.every.seconds", "" + p.every().toSeconds());
              Queries.putSetting(c, "backup.keep", "" + p.keep());
            })
        .thenRun(() -> backups.policy(p));
  }

  /** The profile directory. */
  public Path dir() {
    return db.dir();
  }

  /** This profile's client id, chosen when the profile was created. */
  public String clientId() {
    return clientId;
  }

  // ---- the relay's identity ----

  private static final String RELAY_IDENTITY = "relay.identity";

  /**
   * The identity of the relay this profile syncs with (protocol 4's {@code welcome.relay}), or null
   * when it has not been welcomed by one yet.
   */
  public @Nullable String relayIdentity() {
    return relayIdentity;
  }

  /** Remembers {@code id} as the identity of the relay this profile syncs with, for good. */
  public CompletableFuture<Void> rememberRelayIdentity(String id) {
    Objects.requireNonNull(id, "id == null");
    relayIdentity = id;
    return writes.submit((c, skip) -> Queries.putSetting(c, RELAY_IDENTITY, id));
  }

  // ---- the user's role on each document ----

  /** The user's role on {@code doc} as the relay last said, or empty when not known. */
  public CompletableFuture<java.util.Optional<Role>> relayRole(String doc) {
    return read(
        c -> {
          try (java.sql.PreparedStatement s =
              c.prepareStatement("SELECT relay_role FROM documents WHERE id = ?")) {
            s.setString(1, doc);
            try (java.sql.ResultSet rs = s.executeQuery()) {
              return java.util.Optional.ofNullable(
                  rs.next() && rs.getString(1) != null ? Role.fromWire(rs.getString(1)) : null);
            }
          }
        });
  }

  /** Keeps the user's role on {@code doc}, as the relay said it. */
  public CompletableFuture<Void> setRelayRole(String doc, Role role) {
    Objects.requireNonNull(role, "role == null");
    return writes.submit(
        (c, skip) ->
            Queries.update(
                c, "UPDATE documents SET relay_role = ? WHERE id = ?", role.wireName(), doc));
  }

  // ---- who else has a role on each document ----

  /** Everyone with a role on {@code doc}, the owner first, as the relay last listed them. */
  public CompletableFuture<List<Member>> members(String doc) {
    return read(
        c -> {
          try (java.sql.PreparedStatement s =
              c.prepareStatement(
                  "SELECT user_name, role FROM document_members WHERE doc_id = ?"
                      + " ORDER BY CASE role WHEN 'owner' THEN 0 ELSE 1 END, user_name")) {
            s.setString(1, doc);
            List<Member> out = new ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(new Member(rs.getString(1), Role.fromWire(rs.getString(2))));
              }
            }
            return out;
          }
        });
  }

  /** Keeps {@code members} as everyone with a role on {@code doc}, replacing what was kept. */
  public CompletableFuture<Void> saveMembers(String doc, List<Member> members) {
    List<Member> copy = List.copyOf(members);
    return writes.submit(
        (c, skip) -> {
          Queries.update(c, "DELETE FROM document_members WHERE doc_id = ?", doc);
          for (Member m : copy) {
            Queries.update(
                c,
                "INSERT INTO document_members (doc_id, user_name, role) VALUES (?, ?, ?)",
                doc,
                m.user(),
                m.role().wireName());
          }
        });
  }

  // ---- signatures ----

  /** The relay's signed checkpoint of a document's history, kept as the relay gave it. */
  public record RelaySigned(String relayKey, RelaySignature signature) {
    public RelaySigned {
      Objects.requireNonNull(relayKey, "relayKey == null");
      Objects.requireNonNull(signature, "signature == null");
    }
  }

  /**
   * Keeps the relay's signatures of {@code doc} by {@code relayKey} (without a text hash for a
   * document the relay does not read); those kept already stay as they are.
   */
  public CompletableFuture<Void> saveRelaySignatures(
      String doc, String relayKey, List<RelaySignature> signatures) {
    return writes.submit(
        (c, skip) -> {
          try (java.sql.PreparedStatement s =
              c.prepareStatement(
                  "MERGE INTO relay_signatures (doc_id, revision, relay_key, chain, text_hash,"
                      + " signature) KEY (doc_id, revision, relay_key) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (RelaySignature r : signatures) {
              s.setString(1, doc);
              s.setLong(2, r.revision());
              s.setString(3, relayKey);
              s.setString(4, r.chain());
              s.setString(5, r.textHash());
              s.setString(6, r.signature());
              s.addBatch();
            }
            s.executeBatch();
          }
        });
  }

  /** The relay signatures kept for {@code doc}, by revision. */
  public CompletableFuture<List<RelaySigned>> relaySignatures(String doc) {
    return read(
        c -> {
          List<RelaySigned> out = new java.util.ArrayList<>();
          try (java.sql.PreparedStatement s =
              c.prepareStatement(
                  "SELECT relay_key, revision, chain, text_hash, signature FROM relay_signatures"
                      + " WHERE doc_id = ? ORDER BY revision, relay_key")) {
            s.setString(1, doc);
            try (java.sql.ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new RelaySigned(
                        rs.getString(1),
                        new RelaySignature(
                            rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5))));
              }
            }
          }
          return out;
        });
  }

  // ---- the ciphertext chain of encrypted documents ----

  /**
   * Keeps batches of an encrypted document as the relay sequenced them: the sealed element and how
   * many revisions the batch took (its other operations are placeholders). A batch kept already
   * (the same first revision) stays as it is.
   */
  public CompletableFuture<Void> saveSealedBatches(String doc, List<WireSequenced> batches) {
    if (batches.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return writes.submit(
        (c, skip) -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "MERGE INTO sealed_history (doc_id, first_revision, size, base_revision, author,"
                      + " client_id, batch_seq, time_millis, made_at, sealed) KEY (doc_id,"
                      + " first_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (WireSequenced w : batches) {
              WireBatch b = w.batch();
              s.setString(1, doc);
              s.setLong(2, w.firstRevision());
              s.setInt(3, b.size());
              s.setLong(4, b.baseRevision());
              s.setString(5, w.author());
              s.setString(6, b.clientId());
              s.setLong(7, b.batchSeq());
              s.setLong(8, w.timestampMillis());
              s.setLong(9, b.madeAt());
              s.setString(10, b.operations().get(0));
              s.addBatch();
            }
            s.executeBatch();
          }
        });
  }

  /**
   * The kept batches of an encrypted document whose first revision is in {@code from..to}, in
   * order, each with its placeholders as it travelled.
   */
  public CompletableFuture<List<WireSequenced>> sealedBatches(String doc, long from, long to) {
    return read(
        c -> {
          List<WireSequenced> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT first_revision, size, base_revision, author, client_id, batch_seq,"
                      + " time_millis, made_at, sealed FROM sealed_history WHERE doc_id = ? AND"
                      + " first_revision BETWEEN ? AND ? ORDER BY first_revision")) {
            s.setString(1, doc);
            s.setLong(2, from);
            s.setLong(3, to);
            try (java.sql.ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                List<String> ops = new ArrayList<>(rs.getInt(2));
                ops.add(rs.getString(9));
                for (int i = 1; i < rs.getInt(2); i++) {
                  ops.add("0");
                }
                out.add(
                    new WireSequenced(
                        rs.getLong(1),
                        rs.getString(4),
                        rs.getLong(7),
                        new WireBatch(
                            rs.getString(5), rs.getLong(6), rs.getLong(3), ops, rs.getLong(8))));
              }
            }
          }
          return out;
        });
  }

  /** The (author, client id) of every device whose batches of {@code doc} are kept, sorted. */
  public CompletableFuture<List<Map.Entry<String, String>>> sealedDevices(String doc) {
    return read(
        c -> {
          List<Map.Entry<String, String>> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT DISTINCT author, client_id FROM sealed_history WHERE doc_id = ? ORDER BY"
                      + " author, client_id")) {
            s.setString(1, doc);
            try (java.sql.ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(Map.entry(rs.getString(1), rs.getString(2)));
              }
            }
          }
          return out;
        });
  }

  private static final String DEVICE_KEY = "device.key";

  /**
   * This profile's own Ed25519 private key (PKCS#8 DER), with which it countersigns history files:
   * made on first use and kept in the profile for good.
   */
  public CompletableFuture<byte[]> deviceKey() {
    return writes
        .submit(
            (c, skip) -> {
              if (!Queries.settings(c).containsKey(DEVICE_KEY)) {
                byte[] made = Ed25519.generate().getPrivate().getEncoded();
                Queries.putSetting(c, DEVICE_KEY, Base64.getEncoder().encodeToString(made));
              }
            })
        .thenCompose(
            v -> read(c -> Base64.getDecoder().decode(Queries.settings(c).get(DEVICE_KEY))));
  }

  private static final String AGREEMENT_KEY = "device.agreementKey";

  /**
   * This profile's own X25519 private key (raw 32 bytes), which document keys of encrypted
   * documents are sealed to: made on first use and kept in the profile for good.
   */
  public CompletableFuture<byte[]> agreementKey() {
    return writes
        .submit(
            (c, skip) -> {
              if (!Queries.settings(c).containsKey(AGREEMENT_KEY)) {
                byte[] made = dev.quire.editor.crypto.AgreementKeys.generate().privateBytes();
                Queries.putSetting(c, AGREEMENT_KEY, Base64.getEncoder().encodeToString(made));
              }
            })
        .thenCompose(
            v -> read(c -> Base64.getDecoder().decode(Queries.settings(c).get(AGREEMENT_KEY))));
  }

  /** What the profile keeps of encrypted documents, as {@link #keyring} reads it. */
  public record KeyringRows(
      java.util.Set<String> encrypted,
      List<DocumentKeyRow> keys,
      List<PinnedDevice> pins,
      List<SealedBatchRow> sealed) {}

  /** A document key of one epoch (base64). */
  public record DocumentKeyRow(String doc, long epoch, String key) {}

  /** A device key pinned on first sight. */
  public record PinnedDevice(
      String user, String clientId, String signingKey, String agreementKey) {}

  /** The sealed form of a document's batch in flight ({@code elements}: JSON array text). */
  public record SealedBatchRow(
      String doc, long batchSeq, long epoch, String digest, String elements) {}

  /** Everything the profile keeps of encrypted documents. */
  public CompletableFuture<KeyringRows> keyring() {
    return read(
        c -> {
          java.util.Set<String> encrypted = new java.util.HashSet<>();
          List<DocumentKeyRow> keys = new ArrayList<>();
          List<PinnedDevice> pins = new ArrayList<>();
          List<SealedBatchRow> sealed = new ArrayList<>();
          try (java.sql.Statement st = c.createStatement()) {
            try (java.sql.ResultSet rs =
                st.executeQuery("SELECT doc_id FROM encrypted_documents")) {
              while (rs.next()) {
                encrypted.add(rs.getString(1));
              }
            }
            try (java.sql.ResultSet rs =
                st.executeQuery("SELECT doc_id, epoch, doc_key FROM document_keys")) {
              while (rs.next()) {
                keys.add(new DocumentKeyRow(rs.getString(1), rs.getLong(2), rs.getString(3)));
              }
            }
            try (java.sql.ResultSet rs =
                st.executeQuery(
                    "SELECT user_name, client_id, signing_key, agreement_key FROM pinned_devices")) {
              while (rs.next()) {
                pins.add(
                    new PinnedDevice(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
              }
            }
            try (java.sql.ResultSet rs =
                st.executeQuery(
                    "SELECT doc_id, batch_seq, epoch, digest, elements FROM sealed_batches")) {
              while (rs.next()) {
                sealed.add(
                    new SealedBatchRow(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5)));
              }
            }
          }
          return new KeyringRows(encrypted, keys, pins, sealed);
        });
  }

  /** Runs one keyring statement ({@code MERGE} or {@code INSERT}); durable when it completes. */
  public CompletableFuture<Void> keyringWrite(String sql, Object... args) {
    return writes.submit(
        (c, skip) -> {
          try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
              s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
          }
        });
  }

  // ---- settings ----

  public CompletableFuture<Settings> settings() {
    return read(
        c -> {
          Map<String, String> m = Queries.settings(c);
          Settings d = Settings.empty();
          return new Settings(
              storedRelays(m.getOrDefault("relay.url", "")),
              m.getOrDefault("relay.token", d.token()),
              m.getOrDefault("user.name", d.displayName()),
              m.getOrDefault("user.colour", d.colour()));
        });
  }

  /**
   * The relays kept in the profile: one address, or several comma-separated. Every way of saving
   * checks them first; text that no longer parses is reported and read as no relay (offline), so
   * that the profile still opens, and stays as it is until settings are saved again.
   */
  private static List<URI> storedRelays(String text) {
    try {
      return RelayAddresses.parse(text);
    } catch (IllegalArgumentException e) {
      log.warn("The profile's relay setting is unusable ({}); working offline", e.getMessage());
      return List.of();
    }
  }

  public CompletableFuture<Void> saveSettings(Settings s) {
    Objects.requireNonNull(s, "settings == null");
    return writes.submit(
        (c, skip) -> {
          Queries.putSetting(c, "relay.url", s.relayText()); // the list, comma-separated
          Queries.putSetting(c, "relay.token", s.token());
          Queries.putSetting(c, "user.name", s.displayName());
          Queries.putSetting(c, "user.colour", s.colour());
        });
  }

  // ---- documents ----

  public void addDocumentsListener(DocumentsListener l) {
    listeners.add(Objects.requireNonNull(l, "listener == null"));
  }

  public void removeDocumentsListener(DocumentsListener l) {
    listeners.remove(l);
  }

  public void addPurgeListener(PurgeListener l) {
    purgeListeners.add(Objects.requireNonNull(l, "listener == null"));
  }

  public void removePurgeListener(PurgeListener l) {
    purgeListeners.remove(l);
  }

  /**
   * {@code write}, completing once the listeners were told of it (if {@code changed} says it
   * changed the documents), so that whoever waits for the write finds them told.
   */
  private <T> CompletableFuture<T> announce(
      CompletableFuture<T> write, java.util.function.Predicate<T> changed) {
    return write.thenApply(
        result -> {
          if (changed.test(result)) {
            for (DocumentsListener l : listeners) {
              try {
                l.documentsChanged();
              } catch (RuntimeException e) {
                log.warn("Profile {}: a documents listener failed: {}", dir(), e.toString());
              }
            }
          }
          return result;
        });
  }

  private <T> CompletableFuture<T> announce(CompletableFuture<T> write) {
    return announce(write, result -> true);
  }

  /**
   * The user the relay took this profile's batches as: the author of the last batch this client
   * sent, in any document; empty while it has sent none.
   */
  public CompletableFuture<Optional<String>> ownUser() {
    return read(
        c -> {
          try (java.sql.PreparedStatement s =
              c.prepareStatement(
                  "SELECT author FROM log_blocks WHERE client_id = ?"
                      + " ORDER BY created_at DESC LIMIT 1")) {
            s.setString(1, clientId);
            try (java.sql.ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
          }
        });
  }

  public CompletableFuture<List<LocalDocument>> documents() {
    return read(Queries::documents);
  }

  public CompletableFuture<Optional<LocalDocument>> document(String id) {
    return read(c -> Queries.document(c, id));
  }

  /**
   * Creates a document with {@code initial} local edits in its outbox; completes with false, and
   * changes nothing, when the id is taken.
   *
   * @param onRelay true for a document that exists on the relay already (opened from there)
   */
  public CompletableFuture<Boolean> createDocument(
      String id, String title, long createdMillis, boolean onRelay, List<TextOperation> initial) {
    Ids.requireDocumentId(id);
    Ids.requireTitle(title);
    List<TextOperation> ops = List.copyOf(initial);
    boolean[] created = new boolean[1];
    return announce(
        writes
            .submit(
                (c, skip) -> {
                  created[0] = Queries.insertDocument(c, id, title, createdMillis, onRelay);
                  if (created[0] && !ops.isEmpty()) {
                    List<Long> times = new ArrayList<>();
                    ops.forEach(op -> times.add(createdMillis));
                    Outbox.append(c, id, writes.takeSeqs(c, id, ops.size()), ops, times);
                  }
                })
            .thenApply(v -> created[0]),
        done -> done);
  }

  /** Gives a document a new title, to be sent to the relay at the next sync. */
  public CompletableFuture<Void> rename(String id, String title) {
    Ids.requireTitle(title);
    return announce(
        writes.submit(
            (c, skip) -> {
              if (Queries.update(
                      c,
                      "UPDATE documents SET title = ?, title_synced = FALSE WHERE id = ?",
                      title,
                      id)
                  != 1) {
                throw new StoreException("no document " + id);
              }
            }));
  }

  /**
   * Deletes a document from the profile: its row, its log, its checkpoints, its outbox (unsent
   * edits included), its keys and kept ciphertext, and the relay's signatures of it. The document
   * and its keys are gone for every reader from the first commit; its log, checkpoints, outbox,
   * ciphertext and signatures then go a few megabytes per commit ({@link DocumentPurge}), so that a
   * document of any size is deleted in bounded memory, and the future completes once they are gone
   * (the {@link PurgeListener}s told). When the relay has the document, the profile remembers to
   * ask the relay to delete it too ({@link #pendingRelayDeletes}). Completes with false, and
   * changes nothing, when there is no such document.
   */
  public CompletableFuture<Boolean> deleteDocument(String id, long requestedMillis) {
    Objects.requireNonNull(id, "id == null");
    boolean[] deleted = new boolean[1];
    return announce(
        writes
            .submit(
                (c, skip) -> {
                  Optional<LocalDocument> d = Queries.document(c, id);
                  if (d.isEmpty()) {
                    return;
                  }
                  DocumentPurge.begin(c, id);
                  Queries.update(c, "DELETE FROM document_members WHERE doc_id = ?", id);
                  NotesSnapshot.delete(c, id);
                  DocumentPurge.forgetKeys(c, id);
                  Queries.update(c, "DELETE FROM documents WHERE id = ?", id);
                  if (d.get().onRelay()) {
                    Queries.update(
                        c,
                        "MERGE INTO relay_deletes (doc_id, requested_at) KEY (doc_id) VALUES (?, ?)",
                        id,
                        requestedMillis);
                  }
                  writes.resetSeqs(id);
                  deleted[0] = true;
                })
            .thenCompose(v -> deleted[0] ? purge(id) : CompletableFuture.completedFuture(null))
            .thenApply(v -> deleted[0]),
        done -> done);
  }

  /**
   * Purges the rows of deleted document {@code id}, one bounded step per commit; completes when
   * none are left. A purge already under way is joined, not started again.
   */
  private CompletableFuture<Void> purge(String id) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = purges.putIfAbsent(id, mine);
    if (running != null) {
      return running;
    }
    purgeSteps(id)
        .whenComplete(
            (v, e) -> {
              purges.remove(id, mine);
              if (e != null) {
                mine.completeExceptionally(e);
              } else {
                mine.complete(null);
              }
            });
    return mine;
  }

  private CompletableFuture<Void> purgeSteps(String id) {
    boolean[] more = new boolean[1];
    return writes
        .submit(
            (c, skip) -> {
              more[0] = DocumentPurge.step(c, id);
              if (!more[0]) {
                // In the last step's transaction: before a write after it can take the id again.
                purgeListeners.forEach(l -> l.purged(id));
              }
            })
        .thenCompose(v -> more[0] ? purgeSteps(id) : CompletableFuture.completedFuture(null));
  }

  /** Resumes the purges a previous run of the profile left unfinished. */
  private void resumePurges() {
    read(DocumentPurge::pending)
        .thenAccept(ids -> ids.forEach(this::purge))
        .exceptionally(
            e -> {
              log.warn("Profile {}: resuming deletions failed: {}", dir(), e.toString());
              return null;
            });
  }

  /** Completes once every purge under way has finished (for tests). */
  CompletableFuture<Void> purgesDone() {
    return flush()
        .thenCompose(
            v -> CompletableFuture.allOf(purges.values().toArray(CompletableFuture[]::new)));
  }

  /** Documents deleted locally that the relay is still to be asked to delete, oldest first. */
  public CompletableFuture<List<String>> pendingRelayDeletes() {
    return read(
        c -> {
          List<String> out = new ArrayList<>();
          try (var s =
                  c.prepareStatement(
                      "SELECT doc_id FROM relay_deletes ORDER BY requested_at, doc_id");
              var rs = s.executeQuery()) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return out;
        });
  }

  /** The relay answered a delete request (done, or refused for good): forget it. */
  public CompletableFuture<Void> relayDeleteAnswered(String id) {
    return writes.submit(
        (c, skip) -> Queries.update(c, "DELETE FROM relay_deletes WHERE doc_id = ?", id));
  }

  /**
   * Records what the relay said about a document: it has it, its title, its head; null leaves a
   * value as it is.
   */
  public CompletableFuture<Void> relayState(
      String id, Boolean onRelay, Boolean titleSynced, Long relayHead) {
    return announce(
        writes.submit(
            (c, skip) -> {
              Queries.update(
                  c,
                  "UPDATE documents SET on_relay = COALESCE(?, on_relay),"
                      + " title_synced = COALESCE(?, title_synced),"
                      + " relay_head = GREATEST(relay_head, COALESCE(?, relay_head)) WHERE id = ?",
                  onRelay,
                  titleSynced,
                  relayHead,
                  id);
            }));
  }

  /** Records that the document was synced (outbox empty and acknowledged) at {@code millis}. */
  public CompletableFuture<Void> markSynced(String id, long millis) {
    return announce(
        writes.submit(
            (c, skip) ->
                Queries.update(
                    c,
                    "UPDATE documents SET last_synced_at = ?, sync_error = NULL WHERE id = ?",
                    millis,
                    id)));
  }

  /** Records why sync stopped for a document (null clears it). */
  public CompletableFuture<Void> syncError(String id, String error) {
    String e = error == null || error.length() <= 1000 ? error : error.substring(0, 997) + "...";
    return announce(
        writes.submit(
            (c, skip) ->
                Queries.update(c, "UPDATE documents SET sync_error = ? WHERE id = ?", e, id)));
  }

  // ---- opening and reading ----

  /** Everything needed to edit and sync a document; see {@link LoadedDocument}. */
  public CompletableFuture<LoadedDocument> load(String id) {
    CompletableFuture<LoadedDocument> loaded = read(c -> load(c, id));
    loaded.thenRun(() -> deleteDeadRows(id)); // any left when the profile was last closed
    return loaded;
  }

  private LoadedDocument load(Connection c, String id) throws SQLException {
    LocalDocument doc =
        Queries.document(c, id).orElseThrow(() -> new StoreException("no document " + id));
    Queries.SyncRow row = Queries.syncRow(c, id);
    Queries.Checkpoint cp = Queries.checkpointAtOrBefore(c, id, row.head());
    List<TextOperation> tail = LogBlocks.operations(c, id, cp.revision() + 1, row.head());
    GapBuffer text = new GapBuffer(cp.text());
    int lengthBefore = text.length();
    tail.forEach(text::apply);
    List<Outbox.PendingOp> pending = Outbox.read(c, id);
    List<TextOperation> ops = new ArrayList<>(pending.size());
    List<Long> madeAt = new ArrayList<>(pending.size());
    for (Outbox.PendingOp p : pending) {
      ops.add(p.operation());
      madeAt.add(p.madeAt());
    }
    Batch inFlight = row.inFlight() == null ? null : InFlightColumn.read(row.inFlight(), ops);
    // A batch of notes alone holds one operation that changes nothing, never in the outbox.
    boolean notesOnly = inFlight != null && inFlight.carriesOnlyNotes();
    int inFlightCount = inFlight == null || notesOnly ? 0 : inFlight.size();
    if (inFlightCount > pending.size()) {
      throw new StoreException(
          "document " + id + ": in-flight batch has more operations than the outbox");
    }
    List<TextOperation> inFlightOps =
        notesOnly ? List.of(TextOperation.identity(text.length())) : ops.subList(0, inFlightCount);
    int localLength = text.length();
    for (TextOperation op : ops) {
      localLength = op.targetLength();
    }
    ClientState state =
        new ClientState(
            clientId,
            row.head(),
            row.nextBatchSeq(),
            inFlight,
            inFlightOps,
            ops.subList(inFlightCount, ops.size()),
            NotesReplay.fitted(Queries.pendingNotes(c, id), localLength));
    NotesReplay.Replayed notes = NotesReplay.notes(c, id, row.head());
    notesRevisionsRead.add(notes.revisionsRead());
    if (notes.revisionsRead() >= NOTES_SNAPSHOT_AFTER) {
      keepNotesSnapshot(id, notes.notes().revision(), NotesSnapshot.toJson(notes.notes()));
    }
    return new LoadedDocument(
        doc, cp.revision() + 1, lengthBefore, tail, text.toString(), state, madeAt, notes.notes());
  }

  /**
   * Keeps a snapshot of a document's notes, so that the next open replays only what comes after it.
   * Written after the read that rebuilt them; a document deleted meanwhile gets none.
   */
  private void keepNotesSnapshot(String id, long revision, String json) {
    writes
        .submit(
            (c, skip) -> {
              if (Queries.document(c, id).isPresent()) {
                NotesSnapshot.write(c, id, revision, json);
              }
            })
        .exceptionally(
            e -> {
              log.debug("The notes snapshot of {} was not kept: {}", id, e.toString());
              return null;
            });
  }

  /** Revisions read from logs to rebuild documents' notes since the store opened (tests). */
  long notesRevisionsRead() {
    return notesRevisionsRead.sum();
  }

  /** The text of a document at {@code revision} (0 to its head): a checkpoint plus a few edits. */
  public CompletableFuture<String> textAt(String id, long revision) {
    return read(
        c -> {
          long head = Queries.syncRow(c, id).head();
          if (revision < 0 || revision > head) {
            throw new StoreException(
                "document " + id + " has revisions 0.." + head + ", not " + revision);
          }
          Queries.Checkpoint cp = Queries.checkpointAtOrBefore(c, id, revision);
          GapBuffer text = new GapBuffer(cp.text());
          LogBlocks.operations(c, id, cp.revision() + 1, revision).forEach(text::apply);
          return text.toString();
        });
  }

  /** The local text: the head plus every unacknowledged local edit. */
  public CompletableFuture<String> localText(String id) {
    return read(
        c -> {
          LoadedDocument d = load(c, id);
          GapBuffer text = new GapBuffer(d.headText());
          d.state().inFlightOperations().forEach(text::apply);
          d.state().queued().forEach(text::apply);
          return text.toString();
        });
  }

  /** Revisions {@code from..to} (inclusive, clipped to the log) with author, time and batch. */
  public CompletableFuture<List<Revision>> revisions(String id, long from, long to) {
    return read(c -> LogBlocks.revisions(c, id, from, to));
  }

  /** Canonical operations {@code from..to} (inclusive), for a log loaded only from a checkpoint. */
  public CompletableFuture<List<TextOperation>> operations(String id, long from, long to) {
    return read(c -> LogBlocks.operations(c, id, from, to));
  }

  /** The document's length in code points at {@code revision}. */
  public CompletableFuture<Integer> lengthAt(String id, long revision) {
    return read(c -> LogBlocks.lengthAt(c, id, revision));
  }

  /** The outbox with when each operation was made. */
  public CompletableFuture<List<Long>> pendingTimes(String id) {
    return read(c -> Outbox.read(c, id).stream().map(Outbox.PendingOp::madeAt).toList());
  }

  // ---- writes from the sync engine ----

  /** Local edits made at {@code madeAt}, appended to the outbox. */
  public CompletableFuture<Void> localEdits(String id, List<TextOperation> ops, List<Long> madeAt) {
    List<TextOperation> o = List.copyOf(ops);
    List<Long> t = List.copyOf(madeAt);
    if (o.size() != t.size()) {
      throw new IllegalArgumentException("one time per operation");
    }
    return writes.submit(
        (c, skip) -> {
          if (!skip.contains(id)) {
            Outbox.append(c, id, writes.takeSeqs(c, id, o.size()), o, t);
          }
        });
  }

  /** The notes not yet sent, their anchors in the local text, replacing those saved before. */
  public CompletableFuture<Void> pendingNotes(String id, List<Note> notes) {
    String json = notes.isEmpty() ? null : NoteCodec.toJson(notes);
    return writes.submit(
        (c, skip) ->
            Queries.update(c, "UPDATE documents SET pending_notes = ? WHERE id = ?", json, id));
  }

  /**
   * A batch is about to be sent: it must be durable first, so that a restarted client resends the
   * very same batch rather than forming another with the same sequence number.
   */
  public CompletableFuture<Void> batchSent(String id, Batch inFlight, long nextBatchSeq) {
    // Just formed: its operations are the outbox's first ones, stored once, there.
    String json = InFlightColumn.headerOf(inFlight);
    return writes.submit(
        (c, skip) ->
            Queries.update(
                c,
                "UPDATE documents SET in_flight = ?, next_batch_seq = ? WHERE id = ?",
                json,
                nextBatchSeq,
                id));
  }

  /**
   * Revisions taken into the log, the checkpoints they reached, and what happened to the outbox, in
   * one transaction (the log and the outbox always match).
   */
  public CompletableFuture<Void> received(
      String id, List<Revision> revisions, List<Checkpoint> checkpoints, OutboxChange change) {
    List<Revision> revs = List.copyOf(revisions);
    List<Checkpoint> cps = List.copyOf(checkpoints);
    OutboxChange ch = OutboxChange.requireNonNull(change);
    CompletableFuture<Void> done =
        writes.submit(
            (c, skip) -> writeReceived(c, id, revs, cps, ch, skip.contains(id)),
            ch instanceof OutboxChange.Replaced ? id : null);
    if (ch instanceof OutboxChange.Acknowledged) {
      done.thenRun(() -> deleteDeadRows(id));
    }
    return announce(done);
  }

  /**
   * Deletes the outbox rows superseded by blocks once the blocks are all acknowledged, a chunk per
   * commit: deleting a row costs H2 about as much as writing it, so they wait until the rewritten
   * outbox is sent rather than compete with the catch-up and the round trips, and a local edit
   * committed meanwhile waits for one chunk at most (ADR 7).
   */
  private void deleteDeadRows(String id) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    if (deadRowDeletions.putIfAbsent(id, mine) != null) {
      return; // already under way
    }
    deleteDeadChunks(id)
        .whenComplete(
            (v, e) -> {
              deadRowDeletions.remove(id, mine);
              if (e != null) {
                mine.completeExceptionally(e);
              } else {
                mine.complete(null);
              }
            });
  }

  private CompletableFuture<Void> deleteDeadChunks(String id) {
    boolean[] more = new boolean[1];
    return writes
        .submit((c, skip) -> more[0] = Outbox.deleteDead(c, id, Outbox.BLOCK_OPS))
        .thenCompose(v -> more[0] ? deleteDeadChunks(id) : CompletableFuture.completedFuture(null));
  }

  /** Completes once the dead outbox rows of {@code id} being deleted are gone (for tests). */
  CompletableFuture<Void> deadRowsDeleted(String id) {
    return deadRowDeletions.getOrDefault(id, CompletableFuture.completedFuture(null));
  }

  private void writeReceived(
      Connection c,
      String id,
      List<Revision> revs,
      List<Checkpoint> cps,
      OutboxChange ch,
      boolean skipOutbox)
      throws SQLException {
    if (!revs.isEmpty()) {
      long first = revs.get(0).revision();
      long last = revs.get(revs.size() - 1).revision();
      if (Queries.update(
              c,
              "UPDATE documents SET head = ?, relay_head = GREATEST(relay_head, ?)"
                  + " WHERE id = ? AND head = ?",
              last,
              last,
              id,
              first - 1)
          != 1) {
        throw new StoreException(
            "document " + id + " is not at revision " + (first - 1) + "; refusing a gap");
      }
      LogBlocks.insert(c, id, revs);
    }
    for (Checkpoint cp : cps) {
      Queries.insertCheckpoint(c, id, cp.revision(), cp.text());
    }
    if (ch instanceof OutboxChange.Acknowledged a) {
      Queries.update(c, "UPDATE documents SET in_flight = NULL WHERE id = ?", id);
      if (!skipOutbox) {
        Outbox.acknowledge(c, id, a.count());
      }
    } else if (ch instanceof OutboxChange.Replaced r) {
      Queries.update(
          c,
          "UPDATE documents SET in_flight = ?, next_batch_seq = ? WHERE id = ?",
          r.inFlight() == null ? null : InFlightColumn.whole(r.inFlight()),
          r.nextBatchSeq(),
          id);
      if (skipOutbox) {
        return; // a later write of this group replaces the outbox again
      }
      Outbox.replace(c, id, r.operations(), r.madeAt(), n -> writes.takeSeqs(c, id, n));
    }
  }

  /** The text of a document at a revision, kept so that any revision is quick to rebuild. */
  public record Checkpoint(long revision, String text) {
    public Checkpoint {
      Objects.requireNonNull(text, "text == null");
    }
  }

  // ---- plumbing ----

  /** How long writes took to become durable, measured since the store opened. */
  public DurabilityStats durability() {
    return writes.stats();
  }

  /**
   * Runs {@code work}, whose writes are committed together in one transaction (when the store is
   * not already busy committing others): for example an acknowledgement and the next batch.
   */
  public void inOneCommit(Runnable work) {
    writes.hold();
    try {
      work.run();
    } finally {
      writes.release();
    }
  }

  /** Completes once everything written so far is committed. */
  public CompletableFuture<Void> flush() {
    return writes.submit((c, skip) -> {});
  }

  private <T> CompletableFuture<T> read(WriteQueue.SqlFunction<T> work) {
    return writes.read(work);
  }

  /** Commits what is queued, then closes the file and releases the profile. */
  @Override
  public void close() {
    try {
      flush().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Profile {}: last writes before closing failed: {}", dir(), e.toString());
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("Profile {}: store thread still busy after 30 s; closing anyway", dir());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    backups.close(); // a last backup if one is due, while the database is still open
    db.close();
  }
}
