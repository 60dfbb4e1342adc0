package dev.quire.editor.sync;

import dev.quire.editor.crypto.Keyring;
import dev.quire.editor.crypto.TitleSeal;
import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Ids;
import dev.quire.ot.protocol.Limits;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.SealedTitle;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.TrashedDocument;
import dev.quire.ot.protocol.UserDevice;
import dev.quire.ot.protocol.WireSequenced;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs a profile's open documents with a relay over one WebSocket connection: connects,
 * authenticates, hands each document to its {@link DocumentLink} (create, catch up, send, live),
 * and reconnects whenever the connection is lost. With several relay addresses it tries them in
 * order, stays with one that works, and moves to the next at once when it fails or is lost ({@link
 * RelayRotation}); exponential backoff with jitter applies after a whole round of failures. Every
 * document catches up at each connection and resends its in-flight batch unchanged, so a relay
 * sharing the lost one's database recognises the resend and answers with the original revisions.
 *
 * <p><b>Threading contract.</b> The owner executor (the Swing event thread in the editor, a
 * single-thread executor in headless mode) owns everything stateful: this engine, each {@link
 * DocumentSession} with its {@code ClientSync} and text, and every listener call. The WebSocket
 * library's threads only decode messages and hand them to the owner; the store works on its own
 * thread and hands results back; reconnect timers run on a scheduler thread that only hands the
 * reconnect to the owner. So every method here must be called on the owner thread, except {@link
 * #close()}, which only touches what is safe from any thread: the timer, the volatile {@code
 * closed} flag and the volatile current connection.
 *
 * <p>Every request carries an id (given by {@link RelayConnection#send}); the relay's answer or
 * error carries it back, and is handed to whoever sent the request ({@link #request}).
 */
public final class SyncEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);
  static final int DEFAULT_MAX_BATCH = 1000;
  private static final long WELCOME_TIMEOUT_MILLIS = 10_000;
  // A connection up this long is stable: losing it later starts a new round of relay addresses.
  private static final long STABLE_AFTER_MILLIS = 10_000;

  /**
   * How to reach the relay.
   *
   * @param relays the relay's addresses, {@code ws://host:port}, tried in order (at least one)
   * @param token the user's token
   * @param displayName shown to collaborators next to this user's caret
   * @param colour this user's caret colour, {@code #rrggbb}
   * @param backoffInitialMillis the first reconnect delay
   * @param backoffMaxMillis the longest reconnect delay
   */
  public record Config(
      List<URI> relays,
      String token,
      String displayName,
      String colour,
      long backoffInitialMillis,
      long backoffMaxMillis) {
    public Config {
      relays = List.copyOf(Objects.requireNonNull(relays, "relays == null"));
      if (relays.isEmpty()) {
        throw new IllegalArgumentException("no relay address");
      }
      Objects.requireNonNull(token, "token == null");
      displayName = displayName == null || displayName.isBlank() ? "anonymous" : displayName;
      colour = colour == null || !Ids.COLOUR.matcher(colour).matches() ? "#3b82f6" : colour;
    }

    /** One relay. */
    public Config(
        URI relay,
        String token,
        String displayName,
        String colour,
        long backoffInitialMillis,
        long backoffMaxMillis) {
      this(
          List.of(Objects.requireNonNull(relay, "relay == null")),
          token,
          displayName,
          colour,
          backoffInitialMillis,
          backoffMaxMillis);
    }

    public static Config of(URI relay, String token, String displayName, String colour) {
      return of(List.of(relay), token, displayName, colour);
    }

    public static Config of(List<URI> relays, String token, String displayName, String colour) {
      return new Config(relays, token, displayName, colour, 250, 30_000);
    }
  }

  /** What the engine tells a user interface; called on the owner thread. */
  public interface Listener {
    default void statusChanged(SyncStatus status) {}

    /** A document that exists on the relay was added to the local store. */
    default void documentAdded(LocalDocument document) {}

    default void problem(String doc, String message) {}

    /**
     * A document's session opened in this engine, asked for or by {@link #syncAllDocuments}: its
     * own problems (a batch that does not decrypt, a key that is missing) reach its {@link
     * DocumentListener}s, not {@link #problem}.
     */
    default void opened(DocumentSession session) {}

    /**
     * The relay refuses the user's edits to {@code doc} (a viewer's copy holding unsent edits):
     * they are held, not sent, until discarded or the role allows them. A problem by default.
     */
    default void refused(String doc, String message) {
      problem(doc, message);
    }

    /**
     * The connection to a relay was lost, or no relay could be reached (each address tried once);
     * the engine keeps trying. {@code reason} names the relay (each of them) and says why:
     * connection refused, no answer, not a WebSocket endpoint, TLS failure, closed by the relay.
     */
    default void connectionLost(String reason) {}

    /**
     * Connected (welcomed) to {@code relay}, at the first connection and at every reconnection
     * (then {@link SyncEngine#offlineReason()} is already null). {@code passedOver} says which of
     * the other addresses failed on the way here and why ({@code "ws://a/: connection refused:
     * ..."}), or is null when none did.
     */
    default void connected(URI relay, String passedOver) {}

    /**
     * The relay lacks what this profile holds: a document it owns ({@code doc}), the end of a
     * document's history, or everything (a relay with another identity: {@code doc} is null).
     * Nothing is uploaded until {@link SyncEngine#confirmRefill} is called; the documents concerned
     * (or the connection) wait for it. Told once per document and relay identity.
     */
    default void refillNeeded(String doc, String why) {}

    /**
     * The relay announced that a document of this user came or went ({@code available}, {@code
     * unavailable}): deleted, restored, shared or unshared, maybe from another window or device.
     * What the relay's trash holds may have changed with it.
     */
    default void relayDocumentsChanged() {}
  }

  private final LocalStore store;
  private final Executor owner;
  private final Config config;
  private final ScheduledExecutorService timer;
  private final Backoff backoff;
  private final RelayRotation rotation;
  private String passedOver; // the other relays that failed before this connection, or null
  private final Map<String, DocumentLink> links = new LinkedHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Set<String> deleting = new LinkedHashSet<>(); // delete sent, relay yet to answer
  // Deleted on the relay while a listing was on its way: the relay may have read that listing
  // before the delete (it answers a listing on another thread), so it must not bring them back.
  private final Set<String> deletedWhileListing = new HashSet<>();
  private int deleteListsPending;
  // Written on the owner thread only; volatile so that close() on another thread sees it.
  private volatile RelayConnection conn;
  private volatile boolean closed; // close() was called: never connect or schedule again
  // Whoever waits for the answer to each request on this connection, by request id.
  private final Map<String, Consumer<ServerMessage>> awaiting = new HashMap<>();
  private boolean welcomed;
  private boolean running;
  private boolean syncAll;
  private boolean misbehaved;
  private int listingsPending;
  private int generation;
  private String user;
  private Limits limits;
  private String fatal;
  private boolean refillConfirmed; // the user agreed to upload what the relay lacks
  private int membersPending; // members asked for, to keep, not answered yet
  private final Set<String> refillAsked = new HashSet<>(); // told the listeners, by document
  private String offlineReason; // why the last connection failed or ended; null once welcomed
  // Relays (address and identity) found not to hold this profile's history, reported since the
  // last good connection.
  private final Set<String> reportedMismatches = new HashSet<>();
  // Answers to requests on this connection that its loss must fail (members, the trash).
  private final Set<CompletableFuture<?>> answersOwed = new HashSet<>();
  private final List<CompletableFuture<Void>> connectedWaiters = new ArrayList<>();
  private SyncStatus lastStatus = SyncStatus.of(SyncStatus.State.OFFLINE, 0);
  private final Keyring keyring; // this device's keys and those of encrypted documents
  private CompletableFuture<Void> deviceRegistered = new CompletableFuture<>();

  public SyncEngine(LocalStore store, Executor owner, Config config) {
    this.store = Objects.requireNonNull(store, "store == null");
    this.keyring = Keyring.load(store).join();
    this.owner = Objects.requireNonNull(owner, "owner == null");
    this.config = Objects.requireNonNull(config, "config == null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "quire-sync-timer");
              t.setDaemon(true);
              return t;
            });
    this.backoff =
        new Backoff(config.backoffInitialMillis(), config.backoffMaxMillis(), new Random());
    this.rotation = new RelayRotation(config.relays());
  }

  public void addListener(Listener l) {
    listeners.add(Objects.requireNonNull(l, "listener == null"));
  }

  /**
   * Opens a document for editing and sync; completes on the owner thread. Opening one already open
   * gives the same session.
   */
  public CompletableFuture<DocumentSession> open(String id) {
    DocumentLink existing = links.get(id);
    if (existing != null) {
      return CompletableFuture.completedFuture(existing.session());
    }
    int max = limits == null ? DEFAULT_MAX_BATCH : limits.maxBatchOperations();
    return DocumentSession.open(store, id, owner, max, System::currentTimeMillis, localChanges)
        .thenApply(
            s -> {
              DocumentLink again = links.get(id);
              if (again != null) {
                return again.session();
              }
              if (limits != null) {
                s.setLimits(limits.maxBatchOperations(), limits.maxMessageBytes());
              }
              DocumentLink link = new DocumentLink(this, s);
              links.put(id, link);
              if (welcomed) {
                link.connected(conn);
              } else {
                s.setStatus(SyncStatus.of(connectionState(), 0));
              }
              s.addListener(
                  new DocumentListener() {
                    @Override
                    public void statusChanged(SyncStatus status) {
                      fireStatus();
                    }
                  });
              listeners.forEach(l -> l.opened(s));
              fireStatus();
              return s;
            });
  }

  /** Hands each open session's local changes to its link, which sends them. */
  private final DocumentSession.ChangeListener localChanges =
      new DocumentSession.ChangeListener() {
        @Override
        public void changed(DocumentSession s) {
          DocumentLink link = links.get(s.id());
          if (link != null && link.session() == s) {
            link.localChange();
          }
        }

        @Override
        public void renamed(DocumentSession s) {
          DocumentLink link = links.get(s.id());
          if (link != null && link.session() == s) {
            link.renamedLocally();
          }
        }
      };

  /** Starts syncing: connects now and after every loss of the connection, until {@link #stop}. */
  public void start() {
    if (running) {
      return;
    }
    running = true;
    fatal = null;
    connect();
  }

  /**
   * Also syncs every document: opens each local one, and adds and opens those the relay has that
   * this profile does not: those it lists at each connection, and those it announces while
   * connected (shared with this user, or created from another of the user's clients). Completes (on
   * the owner thread) once the local ones are open.
   */
  public CompletableFuture<Void> syncAllDocuments() {
    syncAll = true;
    if (welcomed) {
      list();
    }
    return store
        .documents()
        .thenComposeAsync(
            docs ->
                CompletableFuture.allOf(
                    docs.stream().map(d -> open(d.id())).toArray(CompletableFuture[]::new)),
            owner);
  }

  /** Disconnects and stops reconnecting; documents stay open for offline editing. */
  public void stop() {
    running = false;
    if (conn != null) {
      conn.close();
    }
    dropConnection(SyncStatus.State.OFFLINE);
  }

  /**
   * Deletes a document from this profile at once: its text, its history and its unsent edits. When
   * the relay has it, the relay is asked to delete it too: now when connected, otherwise at the
   * next connection (the request is kept in the profile). Only the document's owner may delete it
   * on the relay; a refusal is reported through {@link Listener#problem} and the local copy stays
   * deleted. An open session of the document stops syncing and refuses further edits. Completes on
   * the owner thread, with false when the profile has no such document.
   */
  public CompletableFuture<Boolean> delete(String id) {
    Objects.requireNonNull(id, "id == null");
    DocumentLink link = links.remove(id);
    if (link != null) {
      link.deleted();
    }
    return store
        .deleteDocument(id, System.currentTimeMillis())
        .thenApplyAsync(
            done -> {
              if (done) {
                sendPendingDeletes();
              }
              fireStatus();
              return done;
            },
            owner);
  }

  // ---- sharing ----

  // The share requests waiting for an answer, by document and user (one at a time for each).
  private final Map<String, CompletableFuture<Void>> sharing = new LinkedHashMap<>();

  /**
   * Gives {@code user} a role on a document the relay has (a null role takes it away). Only the
   * document's owner may; the relay must be connected. Completes on the owner thread once the relay
   * confirms, or exceptionally with the relay's reason (an unknown user, not the owner...).
   */
  public CompletableFuture<Void> share(String doc, String user, Role role) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    DocumentLink link = links.get(doc);
    String problem =
        !welcomed
            ? "not connected to the relay: sharing needs it"
            : link == null || !link.session().document().onRelay()
                ? "the relay does not have this document yet: let it sync first"
                : null;
    ClientMessage.Share message = null;
    if (problem == null) {
      try {
        message = new ClientMessage.Share(doc, user, role);
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    String key = doc + "\u0000" + user;
    if (problem == null && sharing.containsKey(key)) {
      problem = "already sharing this document with " + user + "; wait for the answer";
    }
    if (problem != null) {
      answer.completeExceptionally(new IllegalArgumentException(problem));
      return answer;
    }
    sharing.put(key, answer);
    request(conn, message, m -> shareAnswered(key, m));
    return answer;
  }

  /**
   * Who has a role on a document the relay has, the owner first (protocol 4's {@code members}).
   * Completes on the owner thread, or exceptionally with the reason (not connected, refused).
   */
  public CompletableFuture<List<Member>> members(String doc) {
    CompletableFuture<List<Member>> answer = new CompletableFuture<>();
    DocumentLink link = links.get(doc);
    if (!welcomed) {
      answer.completeExceptionally(
          new IllegalArgumentException("not connected to the relay: the list needs it"));
      return answer;
    }
    if (link == null || !link.session().document().onRelay()) {
      answer.completeExceptionally(
          new IllegalArgumentException("the relay does not have this document yet"));
      return answer;
    }
    boolean sent =
        request(
            conn,
            new ClientMessage.Members(doc),
            m -> {
              if (m instanceof ServerMessage.Members ms) {
                answer.complete(ms.members());
              } else {
                answer.completeExceptionally(
                    new IllegalArgumentException(
                        m instanceof ServerMessage.Error e
                            ? "the relay did not list who has access: " + e.message()
                            : "the relay answered " + m.type()));
              }
            });
    if (!sent) {
      answer.completeExceptionally(new IllegalArgumentException("the connection closed"));
    }
    owe(answer);
    return answer;
  }

  /**
   * Reads revisions {@code from..to} of a document's history from the relay as it stores them (an
   * encrypted document's sealed batches, placeholders and all), page by page, handing each page's
   * batches to {@code page} on the owner thread: for a profile that lacks part of its ciphertext
   * chain. The first batch handed over may start before {@code from}. Not for a document open in
   * this engine: the read ends its subscription. Completes on the owner thread once the relay sent
   * revision {@code to} or its head, or exceptionally with the reason (not connected, refused).
   */
  public CompletableFuture<Void> readHistory(
      String doc, long from, long to, Consumer<List<WireSequenced>> page) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    if (!welcomed) {
      answer.completeExceptionally(
          new IllegalArgumentException("not connected to the relay: the history is there"));
      return answer;
    }
    if (links.containsKey(doc)) {
      answer.completeExceptionally(new IllegalStateException(doc + " is open in this engine"));
      return answer;
    }
    historyPage(conn, doc, from - 1, to, page, answer);
    owe(answer);
    return answer;
  }

  /**
   * Asks the relay for its signed checkpoints of a document after {@code from} (protocol 5), page
   * by page, and keeps those that verify, as a synced document's link does. Completes on the owner
   * thread once they are kept, or exceptionally with the reason (not connected, refused).
   */
  public CompletableFuture<Void> readSignatures(String doc, long from) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    if (!welcomed) {
      answer.completeExceptionally(
          new IllegalArgumentException("not connected to the relay: the signatures are there"));
      return answer;
    }
    signaturesPage(conn, doc, from, answer);
    owe(answer);
    return answer;
  }

  private void signaturesPage(
      RelayConnection c, String doc, long from, CompletableFuture<Void> answer) {
    boolean sent =
        request(
            c,
            new ClientMessage.Signatures(doc, from),
            m -> {
              if (!(m instanceof ServerMessage.Signatures sg)) {
                answer.completeExceptionally(
                    new IllegalArgumentException(
                        m instanceof ServerMessage.Error e
                            ? "the relay did not send its signatures: " + e.message()
                            : "the relay answered " + m.type()));
                return;
              }
              CompletableFuture<Void> kept =
                  store.saveRelaySignatures(doc, sg.key(), DocumentLink.verified(sg));
              List<dev.quire.ot.protocol.RelaySignature> got = sg.signatures();
              if (sg.complete()) {
                kept.whenCompleteAsync(
                    (v, e) -> {
                      if (e != null) {
                        answer.completeExceptionally(e);
                      } else {
                        answer.complete(null);
                      }
                    },
                    owner);
              } else {
                signaturesPage(
                    c, doc, got.isEmpty() ? from : got.get(got.size() - 1).revision(), answer);
              }
            });
    if (!sent) {
      answer.completeExceptionally(new IllegalArgumentException("the connection closed"));
    }
  }

  private void historyPage(
      RelayConnection c,
      String doc,
      long after,
      long to,
      Consumer<List<WireSequenced>> page,
      CompletableFuture<Void> answer) {
    boolean sent =
        request(
            c,
            new ClientMessage.Open(doc, after, false),
            m -> {
              if (m instanceof ServerMessage.Snapshot) {
                return; // not asked for; the history page follows
              }
              if (!(m instanceof ServerMessage.History h)) {
                answer.completeExceptionally(
                    new IllegalArgumentException(
                        m instanceof ServerMessage.Error e
                            ? "the relay did not send the history: " + e.message()
                            : "the relay answered " + m.type()));
                return;
              }
              long last = after;
              if (!h.batches().isEmpty()) {
                last = h.batches().get(h.batches().size() - 1).lastRevision();
                page.accept(h.batches());
              }
              if (h.complete()) {
                request(c, new ClientMessage.Unsubscribe(doc), unsubscribed -> {});
              }
              if (h.complete() || last >= to || last == after) {
                answer.complete(null);
              } else {
                historyPage(c, doc, last, to, page, answer);
              }
            });
    if (!sent) {
      answer.completeExceptionally(new IllegalArgumentException("the connection closed"));
    }
  }

  /**
   * Completes (on the owner thread) when the relay has welcomed this client: at once when it is
   * connected now, else at the next welcome. For asking again what a lost connection left
   * unanswered.
   */
  public CompletableFuture<Void> whenConnected() {
    if (welcomed) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    connectedWaiters.add(f);
    return f;
  }

  /** {@code answer} waits for the relay on this connection: losing it fails the answer. */
  private void owe(CompletableFuture<?> answer) {
    if (!answer.isDone()) {
      answersOwed.add(answer);
      answer.whenComplete((v, e) -> answersOwed.remove(answer));
    }
  }

  // ---- the trash (protocol 5) ----

  /**
   * The documents in this user's trash on the relay, in id order, read page by page. Completes on
   * the owner thread, or exceptionally with the reason (not connected, refused).
   */
  public CompletableFuture<List<TrashedDocument>> trash() {
    CompletableFuture<List<TrashedDocument>> answer = new CompletableFuture<>();
    trashPage(conn, null, new ArrayList<>(), answer);
    return answer;
  }

  /** A trashed document with its sealed title opened here, or the placeholder (protocol 8). */
  private TrashedDocument withOpenedTitle(TrashedDocument d) {
    if (d.sealedTitle() == null) {
      return d;
    }
    String title =
        TitleSeal.open(keyring, d.doc(), d.sealedTitle()).orElse(SealedTitle.PLACEHOLDER);
    return new TrashedDocument(
        d.doc(), title, d.head(), d.deletedMillis(), d.purgeAtMillis(), d.sealedTitle());
  }

  private void trashPage(
      RelayConnection c,
      String after,
      List<TrashedDocument> read,
      CompletableFuture<List<TrashedDocument>> answer) {
    if (!welcomed || c != conn) {
      answer.completeExceptionally(
          new IllegalStateException("not connected to the relay: the trash is kept there"));
      return;
    }
    boolean sent =
        request(
            c,
            new ClientMessage.Trash(after),
            m -> {
              if (m instanceof ServerMessage.Trash t) {
                t.documents().forEach(d -> read.add(withOpenedTitle(d)));
                if (t.complete()) {
                  answer.complete(List.copyOf(read));
                } else {
                  trashPage(c, t.documents().get(t.documents().size() - 1).doc(), read, answer);
                }
              } else {
                answer.completeExceptionally(refusal("list the trash", m));
              }
            });
    if (!sent) {
      answer.completeExceptionally(new IllegalStateException("the connection closed"));
    }
    owe(answer);
  }

  /**
   * Restores a document from this user's trash on the relay. Once the relay confirms, the document
   * syncs here again: an open copy (stopped when it was deleted) carries on, keeping its unsent
   * edits; otherwise the document is added to this profile and opened, and its whole history comes
   * from the relay. Completes on the owner thread with the document as the relay describes it.
   */
  public CompletableFuture<DocumentInfo> restore(String doc) {
    CompletableFuture<DocumentInfo> answer = new CompletableFuture<>();
    trashRequest(
        new ClientMessage.Restore(doc),
        "restore the document",
        answer,
        m -> {
          DocumentInfo d = ((ServerMessage.Restored) m).document();
          // Asked for by name: added here and opened even when not syncing every document.
          fromRelay(d, true)
              .whenCompleteAsync(
                  (v, e) -> {
                    if (e != null) {
                      answer.completeExceptionally(e);
                    } else {
                      answer.complete(d);
                    }
                  },
                  owner);
        });
    return answer;
  }

  /** Purges a document from this user's trash on the relay, for good. */
  public CompletableFuture<Void> purge(String doc) {
    CompletableFuture<Void> answer = new CompletableFuture<>();
    trashRequest(
        new ClientMessage.Purge(doc), "purge the document", answer, m -> answer.complete(null));
    return answer;
  }

  /** Purges every document in this user's trash on the relay; completes with how many. */
  public CompletableFuture<Long> emptyTrash() {
    CompletableFuture<Long> answer = new CompletableFuture<>();
    trashRequest(
        new ClientMessage.EmptyTrash(),
        "empty the trash",
        answer,
        m -> answer.complete(((ServerMessage.TrashEmptied) m).purged()));
    return answer;
  }

  /** Sends a trash request; an answer that is not an error goes to {@code onDone}. */
  private void trashRequest(
      ClientMessage request,
      String what,
      CompletableFuture<?> answer,
      Consumer<ServerMessage> onDone) {
    relayRequest(request, what, "the trash is kept there", answer, onDone);
  }

  // ---- this user's devices (protocol 8) ----

  /**
   * This user's devices that registered keys with the relay and are not revoked, by client id;
   * asked once this device's own registration is answered, so that the list has it.
   */
  public CompletableFuture<List<UserDevice>> userDevices() {
    CompletableFuture<List<UserDevice>> answer = new CompletableFuture<>();
    deviceRegistered.whenCompleteAsync(
        (v, e) ->
            relayRequest(
                new ClientMessage.UserDevices(),
                "list the devices",
                "the devices are listed there",
                answer,
                m -> answer.complete(((ServerMessage.UserDevices) m).devices())),
        owner);
    return answer;
  }

  /**
   * Revokes another device of this user on the relay; completes with how many encrypted documents'
   * keys are due to rotate because of it.
   */
  public CompletableFuture<Long> revokeDevice(String clientId) {
    CompletableFuture<Long> answer = new CompletableFuture<>();
    relayRequest(
        new ClientMessage.RevokeDevice(clientId),
        "revoke device " + clientId,
        "devices are revoked there",
        answer,
        m -> answer.complete(((ServerMessage.DeviceRevoked) m).documents()));
    return answer;
  }

  /**
   * Sends {@code request}; {@code onDone} gets the answer, or {@code answer} fails with the
   * refusal, or with why it was not sent ({@code offline} says what is kept on the relay).
   */
  private void relayRequest(
      ClientMessage request,
      String what,
      String offline,
      CompletableFuture<?> answer,
      Consumer<ServerMessage> onDone) {
    if (!welcomed) {
      answer.completeExceptionally(
          new IllegalStateException("not connected to the relay: " + offline));
      return;
    }
    boolean sent =
        request(
            conn,
            request,
            m -> {
              if (m instanceof ServerMessage.Error) {
                answer.completeExceptionally(refusal(what, m));
              } else {
                onDone.accept(m);
              }
            });
    if (!sent) {
      answer.completeExceptionally(new IllegalStateException("the connection closed"));
    }
    owe(answer);
  }

  private static IllegalArgumentException refusal(String what, ServerMessage m) {
    return new IllegalArgumentException(
        m instanceof ServerMessage.Error e
            ? "the relay did not " + what + ": " + e.code().wireName() + ": " + e.message()
            : "the relay answered " + m.type());
  }

  /** The relay's answer to our share request for {@code key} (document and user). */
  private void shareAnswered(String key, ServerMessage m) {
    CompletableFuture<Void> f = sharing.remove(key);
    if (f == null) {
      return;
    }
    if (m instanceof ServerMessage.Error e) {
      f.completeExceptionally(
          new IllegalArgumentException(
              "the relay refused to share: " + e.code().wireName() + ": " + e.message()));
    } else {
      String doc = key.substring(0, key.indexOf('\u0000'));
      keepMembers(doc);
      DocumentLink link = links.get(doc);
      if (m instanceof ServerMessage.Shared s && s.role() == null && link != null) {
        // A removed member keeps what it had, and reads nothing after the rotation.
        link.memberRemoved(f);
        return;
      }
      if (m instanceof ServerMessage.Shared && link != null) {
        link.memberAdded(f); // an encrypted document's keys for the new member's devices
        return;
      }
      f.complete(null);
    }
  }

  /**
   * Sends {@code m} on {@code c} and hands the relay's answer to it (a message or an error, matched
   * by the request's id) to {@code onAnswer}, on the owner thread. False when {@code c} is closed.
   */
  boolean request(RelayConnection c, ClientMessage m, Consumer<ServerMessage> onAnswer) {
    String id = c.send(m);
    if (id == null) {
      return false;
    }
    if (c == conn) {
      awaiting.put(id, onAnswer);
    }
    return true;
  }

  /** The open sessions. */
  public Collection<DocumentSession> sessions() {
    List<DocumentSession> out = new ArrayList<>();
    links.values().forEach(l -> out.add(l.session()));
    return out;
  }

  /** The profile's status: the connection's, or the documents' combined. */
  public SyncStatus status() {
    if (fatal != null) {
      return new SyncStatus(SyncStatus.State.ERROR, 0, 0, unacknowledged(), fatal);
    }
    if (!welcomed) {
      return SyncStatus.of(connectionState(), unacknowledged());
    }
    long n = 0;
    long m = 0;
    boolean catching = false;
    boolean sending = false;
    int refused = 0; // edits held in viewers' copies
    boolean holding = false;
    String error = null;
    for (DocumentLink l : links.values()) {
      SyncStatus s = l.session().status();
      switch (s.state()) {
        case CATCHING_UP, UPLOADING -> {
          catching = true;
          n += s.caughtUp();
          m += s.toCatchUp();
        }
        case SENDING, OFFLINE, CONNECTING -> sending = true;
        case ERROR -> error = error == null ? l.id() + ": " + s.error() : error;
        case REFUSED -> {
          holding = true;
          refused += s.unacknowledged();
        }
        default -> {}
      }
    }
    // Unacknowledged edits mean sending, whatever the documents' own states say, unless held.
    SyncStatus.State st =
        catching
            ? SyncStatus.State.CATCHING_UP
            : sending || unacknowledged() > refused
                ? SyncStatus.State.SENDING
                : holding ? SyncStatus.State.REFUSED : SyncStatus.State.SYNCED;
    return new SyncStatus(st, n, m, unacknowledged(), error);
  }

  /**
   * True when connected and every open document is synced, stopped with an error, or holding edits
   * the relay refuses (a viewer's).
   */
  public boolean isSettled() {
    if (!welcomed
        || listingsPending > 0
        || deleteListsPending > 0
        || membersPending > 0
        || !deleting.isEmpty()) {
      return false;
    }
    for (DocumentLink l : links.values()) {
      SyncStatus.State s = l.session().status().state();
      if (s != SyncStatus.State.SYNCED
          && s != SyncStatus.State.ERROR
          && s != SyncStatus.State.REFUSED) {
        return false;
      }
    }
    return true;
  }

  /**
   * True while the relay's signatures of a document were asked for and have not come: a settled
   * engine may still be getting them (they are kept for history files; nothing waits for them).
   */
  public boolean signaturesPending() {
    for (DocumentLink l : links.values()) {
      if (l.signaturesPending()) {
        return true;
      }
    }
    return false;
  }

  /** Why the relay is out of reach since the last connection failed or ended, or null. */
  public String offlineReason() {
    return offlineReason;
  }

  /** The address of the relay connected to, or being tried, or to be tried next. */
  public URI relay() {
    return rotation.current();
  }

  /** Every relay address, in the order they are tried. */
  public List<URI> relays() {
    return config.relays();
  }

  /**
   * The connection in words, for a tooltip: the relay connected to (and which were passed over on
   * the way), the one being tried, or why none is reachable.
   */
  public String connectionDescription() {
    if (welcomed) {
      return "Connected to " + relay() + (passedOver == null ? "" : " (" + passedOver + ")");
    }
    if (fatal != null) {
      return "Stopped: " + fatal;
    }
    if (offlineReason != null) {
      return "Offline: " + offlineReason + (running ? "; trying again" : "");
    }
    return isConnecting() ? "Connecting to " + relay() : "Not connected";
  }

  /** True when connected: the relay welcomed this client on the current connection. */
  public boolean isConnected() {
    return welcomed;
  }

  /**
   * True when connected and the relay's listing of this user's documents, asked for at the welcome,
   * has been taken in: roles and titles are the relay's.
   */
  public boolean isListed() {
    return welcomed && listingsPending == 0;
  }

  /** True while a connection is being made and not yet welcomed. */
  public boolean isConnecting() {
    return running && conn != null && !welcomed;
  }

  /** Why the engine stopped for good (bad token, another protocol), or null. */
  public String fatalError() {
    return fatal;
  }

  private int unacknowledged() {
    int n = 0;
    for (DocumentLink l : links.values()) {
      n += l.session().unacknowledged();
    }
    return n;
  }

  private SyncStatus.State connectionState() {
    return running && conn != null ? SyncStatus.State.CONNECTING : SyncStatus.State.OFFLINE;
  }

  // ---- the connection ----

  private void connect() {
    if (!running || conn != null || closed) {
      return;
    }
    RelayConnection c = new RelayConnection(rotation.current(), owner, handler, ++generation);
    conn = c;
    if (closed) { // close() ran meanwhile and may have read the connection before this one
      conn = null;
      return;
    }
    setAllStatus(SyncStatus.State.CONNECTING);
    c.connect();
    // A relay that accepts the connection and then says nothing must not hold us forever.
    schedule(() -> giveUpWaiting(c), WELCOME_TIMEOUT_MILLIS);
  }

  /** Runs {@code r} on the owner thread in {@code millis}, unless the engine is closed by then. */
  private void schedule(Runnable r, long millis) {
    try {
      timer.schedule(() -> owner.execute(r), millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed: nothing more is scheduled
    }
  }

  private void giveUpWaiting(RelayConnection c) {
    if (c != conn || welcomed) {
      return;
    }
    log.debug("No welcome from {} within {} ms", c.uri(), WELCOME_TIMEOUT_MILLIS);
    c.close();
    dropConnection(SyncStatus.State.OFFLINE);
    attemptFailed(c, "no answer within " + WELCOME_TIMEOUT_MILLIS / 1000 + " s", false);
  }

  /**
   * The connection {@code c} failed or was lost for {@code why} (already dropped): moves on to the
   * next relay at once, or, when every address has failed in this round, tells the listeners and
   * tries again after a backoff delay.
   */
  private void attemptFailed(RelayConnection c, String why, boolean wasWelcomed) {
    boolean roundOver = rotation.failed(why);
    if (wasWelcomed) {
      connectionLost("lost the connection to " + c.uri() + ": " + why);
    } else if (roundOver) {
      connectionLost(rotation.roundFailure());
    }
    if (roundOver) {
      scheduleReconnect();
    } else {
      log.debug("{} failed ({}); trying {} at once", c.uri(), why, rotation.current());
      connect();
    }
  }

  private final RelayConnection.Handler handler =
      new RelayConnection.Handler() {
        @Override
        public void opened(RelayConnection c) {
          if (c == conn) {
            c.send(
                new ClientMessage.Hello(ProtocolCodec.VERSION, config.token(), store.clientId()));
          }
        }

        @Override
        public void message(RelayConnection c, Reply r) {
          if (c == conn) {
            dispatch(r);
          }
        }

        @Override
        public void malformed(RelayConnection c, String problem) {
          if (c == conn) {
            misbehaved = true;
            report(null, "the relay sent a malformed message; reconnecting: " + problem);
            c.close();
          }
        }

        @Override
        public void closed(RelayConnection c, String reason) {
          if (c != conn) {
            return;
          }
          log.debug("Connection to {} closed: {}", c.uri(), reason);
          if (c.closeCode() == 1009) { // the WebSocket layer's "message too big", maybe unsaid
            tooLarge(c, "the connection was closed with code 1009 (" + reason + ")");
          }
          boolean wasWelcomed = welcomed;
          dropConnection(SyncStatus.State.OFFLINE);
          attemptFailed(c, reason, wasWelcomed);
        }
      };

  private void dispatch(Reply r) {
    ServerMessage m = r.message();
    if (m instanceof ServerMessage.Error e && e.retry() && e.code().closes()) {
      // The relay is stopping (or finds us too slow) and closes the connection: leave now, so
      // that the next relay gets the in-flight batches without waiting for the close.
      conn.close(e.code().wireName() + ": " + e.message());
      return;
    }
    if (!welcomed) {
      if (m instanceof ServerMessage.Welcome w) {
        welcome(w);
      } else if (m instanceof ServerMessage.Error e) {
        connectionError(e);
      } else {
        misbehaved = true;
        report(null, "the relay sent " + m.type() + " before welcome; reconnecting");
        conn.close();
      }
      return;
    }
    if (r.id() != null) {
      // A snapshot is followed by the history page that answers the same open.
      var onAnswer =
          m instanceof ServerMessage.Snapshot ? awaiting.get(r.id()) : awaiting.remove(r.id());
      if (onAnswer != null) {
        onAnswer.accept(m);
        return;
      }
      log.debug("The relay answered request {}, which this connection did not send", r.id());
    }
    if (m instanceof ServerMessage.Available || m instanceof ServerMessage.Unavailable) {
      listeners.forEach(Listener::relayDocumentsChanged);
    }
    if (m instanceof ServerMessage.Available a) {
      available(a.document());
      return;
    }
    String doc = docOf(m);
    if (doc != null) {
      DocumentLink link = links.get(doc);
      if (link != null) {
        link.message(m);
      }
    } else if (m instanceof ServerMessage.Error e) {
      connectionError(e);
    }
  }

  /** Asks the relay for the documents of the user, page by page. */
  private void list() {
    listingsPending++;
    List<DocumentInfo> listing = new ArrayList<>();
    request(conn, new ClientMessage.ListDocuments(), m -> listed(listing, m));
  }

  private void listed(List<DocumentInfo> listing, ServerMessage m) {
    if (m instanceof ServerMessage.Documents d && !d.complete()) {
      listing.addAll(d.documents());
      String last = listing.get(listing.size() - 1).doc();
      request(conn, new ClientMessage.ListDocuments(last), next -> listed(listing, next));
    } else if (m instanceof ServerMessage.Documents d) {
      listing.addAll(d.documents());
      relayDocuments(listing);
    } else {
      listingsPending = Math.max(0, listingsPending - 1);
      if (m instanceof ServerMessage.Error e) {
        report(
            null,
            "the relay did not list the documents: " + e.code().wireName() + ": " + e.message());
      }
    }
  }

  private void welcome(ServerMessage.Welcome w) {
    String known = store.relayIdentity();
    if (known != null && !known.equals(w.relay())) {
      if (!refillConfirmed) {
        otherRelay(w.relay(), known);
        return;
      }
      // Confirmed: this relay is the one from now on, refilled with what this profile holds.
      log.info("Relay {} takes the place of relay {}; refilling it", w.relay(), known);
      store.rememberRelayIdentity(w.relay());
    } else if (known == null) {
      store.rememberRelayIdentity(w.relay());
    }
    welcomed = true;
    List<CompletableFuture<Void>> waiting = List.copyOf(connectedWaiters);
    connectedWaiters.clear();
    waiting.forEach(f -> f.complete(null));
    reportedMismatches.clear(); // a mismatch met again after a good connection is news
    offlineReason = null;
    passedOver = rotation.connected();
    URI at = rotation.current();
    listeners.forEach(l -> l.connected(at, passedOver));
    user = w.user();
    limits = w.limits();
    if (!misbehaved) {
      backoff.reset();
      RelayConnection welcomedOn = conn;
      schedule(
          () -> {
            if (conn == welcomedOn && welcomed) {
              rotation.stable();
            }
          },
          STABLE_AFTER_MILLIS);
    }
    misbehaved = false;
    log.debug("Connected to {} as {}", at, user);
    // The device's keys: the relay takes a batch of an encrypted document only from a registered
    // device, so encrypted documents wait for the answer (see DocumentLink); others do not.
    CompletableFuture<Void> registered = new CompletableFuture<>();
    deviceRegistered = registered;
    request(
        conn,
        new ClientMessage.RegisterDevice(keyring.publicKeys()),
        m -> {
          if (m instanceof ServerMessage.Error e) {
            report(
                null,
                "the relay did not take this device's keys ("
                    + e.code().wireName()
                    + ": "
                    + e.message()
                    + "); encrypted documents cannot sync");
            registered.completeExceptionally(new IllegalStateException(e.message()));
          } else {
            registered.complete(null);
          }
        });
    for (DocumentLink l : List.copyOf(links.values())) {
      l.session().setLimits(limits.maxBatchOperations(), limits.maxMessageBytes());
      l.connected(conn);
    }
    sendPendingDeletes();
    // Always list: a title changed while we were away reaches us only this way. New documents are
    // added only when syncing all of them.
    list();
    fireStatus();
  }

  /** Completes once the relay took this device's keys on the current connection. */
  CompletableFuture<Void> deviceRegistered() {
    return deviceRegistered;
  }

  /** This profile's keyring: device keys, and the keys of encrypted documents. */
  public Keyring keyring() {
    return keyring;
  }

  /**
   * The relay that answered is not the one this profile's history comes from (a wiped relay, or an
   * address of another relay): nothing is exchanged with it, and the next address is tried.
   */
  private void otherRelay(String answered, String known) {
    URI at = rotation.current();
    String why =
        "the relay at "
            + at
            + " is relay "
            + answered
            + ", not relay "
            + known
            + " whose history this profile holds; they do not share a history, so nothing is"
            + " synced with it. Remove that address from the relay list, or use another profile"
            + " for that relay";
    // Once per relay and identity: every retry round meets it again, and says nothing new.
    String mismatch = at + " " + answered;
    if (reportedMismatches.add(mismatch)) {
      report(null, why);
    } else {
      log.debug("{}", why);
    }
    refillNeeded(
        null,
        "the relay at "
            + at
            + " has another identity ("
            + answered
            + ") than the relay this profile synced with ("
            + known
            + "): it lost its data, or is another relay");
    conn.close(why);
  }

  // ---- refilling a relay ----

  /**
   * Agrees to upload to the relay what it lacks of this profile's documents: to take a relay with
   * another identity as this profile's relay from now on, to upload the documents this profile owns
   * that it lacks with their whole history, and the end of histories it has less of. The documents
   * and the connection that waited for this go on at once. Owner thread.
   */
  public void confirmRefill() {
    refillConfirmed = true;
    for (DocumentLink l : List.copyOf(links.values())) {
      l.refillConfirmed();
    }
    if (running && conn == null) {
      backoff.reset();
      connect();
    }
  }

  boolean refillConfirmed() {
    return refillConfirmed;
  }

  void refillNeeded(String doc, String why) {
    if (refillAsked.add(doc == null ? "" : doc)) {
      listeners.forEach(l -> l.refillNeeded(doc, why));
    }
  }

  /** The largest message the relay takes. */
  long maxMessageBytes() {
    return limits.maxMessageBytes();
  }

  /** The relay holds the document's whole history now, uploaded by this profile. */
  void uploaded(DocumentSession s, long head) {
    documentOnRelay(s, true);
    store.relayState(s.id(), true, true, head);
    if (s.role() == null) { // uploaded a document the relay did not know: this user owns it
      roleOnRelay(s, Role.OWNER);
    }
  }

  /** The relay said the user's role on the document. */
  void roleOnRelay(DocumentSession s, Role role) {
    store.setRelayRole(s.id(), role);
    s.setRole(role);
  }

  /** A document stopped with an error starts again: the error shown is cleared. */
  void clearFailure(DocumentSession s) {
    store.syncError(s.id(), null);
  }

  /** Asks who has a role on {@code doc} and keeps it in the profile, for a refill. */
  void keepMembers(String doc) {
    if (conn == null) {
      return;
    }
    membersPending++;
    RelayConnection askedOn = conn;
    boolean sent =
        request(
            conn,
            new ClientMessage.Members(doc),
            m -> {
              if (conn == askedOn) {
                membersPending--;
              }
              if (m instanceof ServerMessage.Members ms) {
                store.saveMembers(doc, ms.members());
              }
              fireStatus();
            });
    if (!sent) {
      membersPending--;
    }
  }

  // ---- deleting on the relay ----

  /** Sends the delete requests kept in the profile that are not on their way yet. */
  private void sendPendingDeletes() {
    if (!welcomed) {
      return;
    }
    RelayConnection c = conn;
    deleteListsPending++;
    store
        .pendingRelayDeletes()
        .whenCompleteAsync(
            (ids, e) -> {
              if (c != conn) {
                return; // dropConnection reset the count; the next welcome asks again
              }
              deleteListsPending--;
              if (e != null) {
                report(null, "cannot read the documents to delete on the relay: " + e.getMessage());
              } else {
                for (String id : ids) {
                  if (deleting.add(id)) {
                    request(c, new ClientMessage.Delete(id), m -> deleteAnswered(id, m));
                  }
                }
              }
              fireStatus();
            },
            owner);
  }

  /** The relay's answer to our request to delete {@code doc}. */
  private void deleteAnswered(String doc, ServerMessage m) {
    deleting.remove(doc);
    if (m instanceof ServerMessage.Error e) {
      deleteRefused(doc, e);
    } else {
      log.debug("Document {} deleted on the relay", doc);
      if (listingsPending > 0) {
        deletedWhileListing.add(doc);
      }
      store.relayDeleteAnswered(doc);
    }
    fireStatus();
  }

  private void deleteRefused(String doc, ServerMessage.Error e) {
    String what = e.code().wireName() + ": " + e.message();
    if (e.retry()) {
      report(
          doc,
          "the relay could not delete the document yet ("
              + what
              + "); asking again at the next connection");
    } else if (e.code() == ErrorCode.UNKNOWN_DOCUMENT) {
      log.debug("Document {} was already gone from the relay: {}", doc, what);
      store.relayDeleteAnswered(doc);
    } else {
      report(
          doc,
          "the relay refused to delete the document ("
              + what
              + "); only its owner can delete it there. The local copy is deleted; the relay's"
              + " copy stays, and syncing every document would bring it back");
      store.relayDeleteAnswered(doc);
    }
  }

  private void connectionError(ServerMessage.Error e) {
    String what = e.code().wireName() + ": " + e.message();
    if (e.code() == ErrorCode.MESSAGE_TOO_LARGE) {
      tooLarge(conn, what);
      return;
    }
    if (e.code() == ErrorCode.UNAUTHORIZED
        || e.code() == ErrorCode.PROTOCOL_VERSION
        || e.code() == ErrorCode.HELLO_REQUIRED
        || e.code() == ErrorCode.CLIENT_ID_TAKEN
        || e.code() == ErrorCode.DEVICE_REVOKED) {
      fatal =
          "the relay refused this client ("
              + what
              + switch (e.code()) {
                case CLIENT_ID_TAKEN ->
                    "); this profile's client id is another user's on that relay: use a profile"
                        + " of your own";
                case DEVICE_REVOKED ->
                    "); this device was revoked by its user and cannot sync with that relay"
                        + " again: use a new profile";
                default -> "); check the relay URL and token";
              };
      report(null, fatal);
      running = false;
      conn.close();
      fireStatus();
    } else if (e.retry()) {
      log.debug("The relay reported {}; carrying on", what); // e.g. stopping: we reconnect
    } else {
      report(e.doc(), "the relay reported " + what);
    }
  }

  /**
   * The relay refused a message as too large without naming its document: the largest batch sent on
   * the connection, whose document sends it again cut smaller ({@link DocumentLink#tooLarge})
   * rather than resend it unchanged, refused forever; the others carry on.
   */
  private void tooLarge(RelayConnection c, String what) {
    String doc = c == null ? null : c.largestSubmit();
    DocumentLink link = doc == null ? null : links.get(doc);
    if (link == null) {
      report(null, "the relay refused a message as too large (" + what + ")");
      return;
    }
    link.tooLarge(what, false);
  }

  private void relayDocuments(List<DocumentInfo> docs) {
    List<CompletableFuture<?>> opening = new ArrayList<>();
    for (DocumentInfo d : docs) {
      if (!deletedWhileListing.contains(d.doc())) { // else a listing read before our delete
        opening.add(fromRelay(d));
      }
    }
    CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new))
        .whenCompleteAsync(
            (v, e) -> {
              listingsPending = Math.max(0, listingsPending - 1);
              if (listingsPending == 0) {
                deletedWhileListing.clear();
              }
              if (e != null) {
                report(null, "cannot add the relay's documents: " + e.getMessage());
              }
              fireStatus();
            },
            owner);
  }

  /** The relay announced a document this user gained: handled like a one-document listing. */
  private void available(DocumentInfo d) {
    fromRelay(d)
        .whenCompleteAsync(
            (v, e) -> {
              if (e != null) {
                report(null, "cannot add the relay's document " + d.doc() + ": " + e.getMessage());
              }
              DocumentLink link = links.get(d.doc());
              if (link != null) {
                link.availableAgain(); // its owner uploaded it
              }
            },
            owner);
  }

  /**
   * A document the relay has for this user: takes its title when renamed elsewhere, or, when
   * syncing all documents and this profile does not have it, adds it and opens it.
   */
  private CompletableFuture<?> fromRelay(DocumentInfo d) {
    return fromRelay(d, syncAll);
  }

  /** {@link #fromRelay(DocumentInfo)}, adding a missing document when {@code add}. */
  private CompletableFuture<?> fromRelay(DocumentInfo d, boolean add) {
    if (d.encrypted()) {
      keyring.markEncrypted(d.doc());
    }
    DocumentLink linked = links.get(d.doc());
    store.setRelayRole(d.doc(), d.role());
    if (linked != null) {
      linked.session().setRole(d.role());
      linked.roleChanged();
      if (linked.stoppedAsGone()) {
        linked.resume(welcomed ? conn : null); // restored from the trash, or shared again
      }
      linked.relayTitle(d.title(), d.sealedTitle()); // renamed elsewhere while we were away
      return CompletableFuture.completedFuture(null);
    }
    if (!add) {
      return CompletableFuture.completedFuture(null);
    }
    // An encrypted document's sealed title, opened here: the placeholder until this profile has
    // its key (its link opens it then).
    String title =
        d.sealedTitle() == null
            ? d.title()
            : TitleSeal.open(keyring, d.doc(), d.sealedTitle()).orElse(SealedTitle.PLACEHOLDER);
    return store
        .createDocument(d.doc(), title, d.createdMillis(), true, List.of())
        .thenCompose(created -> store.setRelayRole(d.doc(), d.role()).thenApply(v -> created))
        .thenCombine(store.document(d.doc()), Map::entry)
        .thenComposeAsync(
            createdAndFound -> {
              var found = createdAndFound.getValue();
              if (createdAndFound.getKey() && found.isPresent()) {
                listeners.forEach(l -> l.documentAdded(found.get()));
              }
              // Not here: deleted locally, its delete not yet done on the relay.
              return add && found.isPresent()
                  ? open(d.doc())
                      .thenApplyAsync(
                          s -> {
                            DocumentLink link = links.get(d.doc());
                            if (link != null) {
                              link.relayTitle(d.title(), d.sealedTitle());
                            }
                            return null;
                          },
                          owner)
                  : CompletableFuture.completedFuture(null);
            },
            owner);
  }

  private void dropConnection(SyncStatus.State shown) {
    conn = null;
    awaiting.clear(); // answers on the next connection are to requests sent on it
    welcomed = false;
    listingsPending = 0;
    deleteListsPending = 0;
    membersPending = 0;
    deleting.clear(); // still kept in the profile: sent again after the next welcome
    deletedWhileListing.clear();
    List<CompletableFuture<Void>> unanswered = List.copyOf(sharing.values());
    sharing.clear();
    unanswered.forEach(
        f ->
            f.completeExceptionally(
                new IllegalStateException(
                    "the connection to the relay was lost before it answered; share again")));
    List<CompletableFuture<?>> owed = List.copyOf(answersOwed);
    answersOwed.clear();
    owed.forEach(
        f ->
            f.completeExceptionally(
                new IllegalStateException(
                    "the connection to the relay was lost before it answered; ask again when it"
                        + " is back")));
    for (DocumentLink l : links.values()) {
      l.disconnected(shown);
    }
    fireStatus();
  }

  /** Tells the listeners why the relay is out of reach, unless sync was stopped on purpose. */
  private void connectionLost(String reason) {
    if (!running || fatal != null) {
      return;
    }
    log.debug("{}", reason);
    offlineReason = reason;
    listeners.forEach(l -> l.connectionLost(reason));
  }

  private void scheduleReconnect() {
    if (!running) {
      return;
    }
    long delay = backoff.nextDelayMillis();
    log.debug("Reconnecting to {} in {} ms", rotation.current(), delay);
    schedule(this::connect, delay);
  }

  private static String docOf(ServerMessage m) {
    if (m instanceof ServerMessage.History h) {
      return h.doc();
    } else if (m instanceof ServerMessage.Sequenced s) {
      return s.doc();
    } else if (m instanceof ServerMessage.Ack a) {
      return a.doc();
    } else if (m instanceof ServerMessage.Created c) {
      return c.document().doc();
    } else if (m instanceof ServerMessage.Renamed r) {
      return r.doc();
    } else if (m instanceof ServerMessage.PresenceOf p) {
      return p.doc();
    } else if (m instanceof ServerMessage.Leave l) {
      return l.doc();
    } else if (m instanceof ServerMessage.Deleted d) {
      return d.doc();
    } else if (m instanceof ServerMessage.Unsubscribed u) {
      return u.doc();
    } else if (m instanceof ServerMessage.Unavailable u) {
      return u.doc();
    } else if (m instanceof ServerMessage.Error e) {
      return e.doc();
    }
    return null;
  }

  // ---- for links ----

  LocalStore store() {
    return store;
  }

  Executor owner() {
    return owner;
  }

  /** The user the relay knows this profile as, once connected; null before. */
  public String user() {
    return user;
  }

  String displayName() {
    return config.displayName();
  }

  String colour() {
    return config.colour();
  }

  /** Runs {@code r} on the owner thread in {@code millis}. */
  void after(Runnable r, long millis) {
    schedule(r, millis);
  }

  /** Runs {@code r} on the owner thread after a backoff delay. */
  void later(Runnable r) {
    long delay = Math.min(config.backoffMaxMillis(), 4 * config.backoffInitialMillis());
    schedule(r, delay);
  }

  void documentOnRelay(DocumentSession s, boolean titleSynced) {
    store.relayState(s.id(), true, titleSynced, null);
    s.setDocument(withRelay(s.document(), true, titleSynced || s.document().titleSynced()));
  }

  void titleSynced(DocumentSession s) {
    store.relayState(s.id(), null, true, null);
    s.setDocument(withRelay(s.document(), s.document().onRelay(), true));
    links.get(s.id()).updateLiveStatus();
  }

  void titleFromRelay(DocumentSession s, String title) {
    store.rename(s.id(), title);
    store.relayState(s.id(), null, true, null);
    LocalDocument d = s.document();
    s.setDocument(
        new LocalDocument(
            d.id(),
            title,
            d.createdMillis(),
            d.head(),
            d.pending(),
            d.onRelay(),
            true,
            d.relayHead(),
            d.lastSyncedMillis(),
            d.syncError(),
            d.relayRole()));
  }

  void relayHead(DocumentSession s, long head) {
    store.relayState(s.id(), null, null, head);
  }

  void synced(DocumentSession s) {
    store.markSynced(s.id(), System.currentTimeMillis());
  }

  /**
   * The relay refuses the user's edits to {@code s} (a viewer's copy): its unsent edits are held.
   */
  void refused(DocumentSession s) {
    String why = refusedMessage(s.unacknowledged());
    log.debug("Document {}: {}", s.id(), why);
    listeners.forEach(l -> l.refused(s.id(), why));
  }

  /** Why a viewer's copy holds {@code unsent} edits, in words for the user. */
  public static String refusedMessage(int unsent) {
    return "the relay refuses your edits: the document's owner made you a viewer. Your "
        + unsent
        + " unsent edit(s) are kept in this copy and not sent; copy them into a new document or"
        + " discard them. The document goes on syncing as a viewer's";
  }

  /** Sync of {@code s} carries on after it stopped because the relay no longer gave it. */
  void resumed(DocumentSession s) {
    store.syncError(s.id(), null);
    LocalDocument d = s.document();
    s.setDocument(
        new LocalDocument(
            d.id(),
            d.title(),
            d.createdMillis(),
            d.head(),
            d.pending(),
            d.onRelay(),
            d.titleSynced(),
            d.relayHead(),
            d.lastSyncedMillis(),
            null,
            d.relayRole()));
  }

  void failed(DocumentSession s, String why) {
    log.debug("Document {}: sync stopped: {}", s.id(), why); // the listeners show it
    store.syncError(s.id(), why);
    listeners.forEach(l -> l.problem(s.id(), why));
  }

  private static LocalDocument withRelay(LocalDocument d, boolean onRelay, boolean titleSynced) {
    return new LocalDocument(
        d.id(),
        d.title(),
        d.createdMillis(),
        d.head(),
        d.pending(),
        onRelay,
        titleSynced,
        d.relayHead(),
        d.lastSyncedMillis(),
        d.syncError(),
        d.relayRole());
  }

  private void report(String doc, String message) {
    log.debug("{}", message); // the listeners show it
    listeners.forEach(l -> l.problem(doc, message));
    if (doc == null) {
      links.values().forEach(l -> l.session().problem(message));
    }
  }

  private void setAllStatus(SyncStatus.State s) {
    for (DocumentLink l : links.values()) {
      if (l.phase() != DocumentLink.Phase.FAILED) {
        l.session().setStatus(SyncStatus.of(s, 0));
      }
    }
    fireStatus();
  }

  private void fireStatus() {
    SyncStatus now = status();
    if (!now.equals(lastStatus)) {
      lastStatus = now;
      listeners.forEach(l -> l.statusChanged(now));
    }
  }

  /**
   * Disconnects and stops the timer for good; may be called from any thread. It writes only the
   * volatile {@code closed} flag and reads the volatile connection: either it sees a connection
   * {@link #connect} just made and closes it, or {@code connect} sees the flag and drops its own.
   */
  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    RelayConnection c = conn;
    if (c != null) {
      c.close();
    }
  }
}
