package dev.quire.relay;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DeviceKeys;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Request;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.UnknownTypeException;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.store.DocumentFeed;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.StoreException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes each message off the network thread: rate limit, size limit and strict decoding there (all
 * quick), then hands the request to its document's actor, or to the loader threads for hello and
 * requests about no single document, which read the database. Nothing on a network thread waits for
 * the database.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final RelayContext ctx;
  private final ConcurrentHashMap<String, DocumentActor> actors = new ConcurrentHashMap<>();
  private final TrashBin trash;
  private volatile boolean shuttingDown;

  /** At least the bytes of a sealed title's names and epoch, besides its ciphertext. */
  static final int SEALED_TITLE_BYTES = 60;

  /** At least the bytes of a listed document besides its id and title: names, numbers, role. */
  private static final int DOCUMENT_FIELDS_BYTES = 160;

  /** The longest a flooding connection's close waits for the answers owed to it. */
  static final long DRAIN_TIMEOUT_MILLIS = 5_000;

  /** The relay's own request: another process moved a document on. */
  private static final String MOVED = "moved";

  /** The relay's own request: another process renamed, deleted or shared a document. */
  private static final String CHANGED = "changed";

  /** How long an idle actor of a live document is kept before it is dropped. */
  static final long KEEP_IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);

  Dispatcher(RelayContext ctx) {
    this.ctx = ctx;
    this.trash = new TrashBin(ctx, this::changed);
    ctx.timer().scheduleWithFixedDelay(this::dropIdle, 500, 500, TimeUnit.MILLISECONDS);
    ctx.store()
        .feed()
        .listen(
            new DocumentFeed.Listener() {
              @Override
              public void moved(String doc, long head) {
                Dispatcher.this.moved(doc, head);
              }

              @Override
              public void changed(String doc) {
                Dispatcher.this.changed(doc);
              }

              @Override
              public void shared(String doc, String user) {
                Dispatcher.this.changed(doc);
                Dispatcher.this.sharedElsewhere(doc, user);
              }

              @Override
              public void changedAny() {
                actors.keySet().forEach(Dispatcher.this::changed);
              }
            });
  }

  /**
   * Another relay process stored batches of {@code doc} up to {@code head}: a document in memory
   * catches up (one that is not reads it all when next asked).
   */
  private void moved(String doc, long head) {
    if (shuttingDown) {
      return;
    }
    RequestHeader about = new RequestHeader(null, MOVED, doc);
    try {
      actors.computeIfPresent(
          doc,
          (id, a) -> {
            a.run(null, about, x -> a.moved(head));
            return a;
          });
    } catch (RejectedExecutionException e) {
      // stopping: nobody is left to tell
    }
  }

  /**
   * Another relay process renamed, deleted or shared {@code doc}: a document in memory reads its
   * row and roles again and tells its subscribers (one that is not reads them when next asked).
   */
  private void changed(String doc) {
    if (shuttingDown) {
      return;
    }
    RequestHeader about = new RequestHeader(null, CHANGED, doc);
    try {
      actors.computeIfPresent(
          doc,
          (id, a) -> {
            a.run(null, about, x -> a.changedElsewhere());
            return a;
          });
    } catch (RejectedExecutionException e) {
      // stopping: nobody is left to tell
    }
  }

  /**
   * Another relay process changed {@code user}'s role on {@code doc}: the user's connections here
   * are told, as they would be of a share made here ({@code available} with the document and the
   * role, or {@code unavailable}). Read on a loader thread.
   */
  private void sharedElsewhere(String doc, String user) {
    if (shuttingDown || !ctx.userSessions().has(user)) {
      return;
    }
    try {
      ctx.loadPool()
          .execute(
              () -> {
                try {
                  Optional<DocumentRow> row = ctx.loader().row(doc);
                  Optional<Role> role =
                      row.isPresent() && !row.get().deleted()
                          ? ctx.loader().role(doc, user)
                          : Optional.empty();
                  ServerMessage m =
                      role.isPresent()
                          ? new ServerMessage.Available(row.get().info(role.get()))
                          : new ServerMessage.Unavailable(doc);
                  ctx.userSessions().send(user, m, null);
                } catch (RuntimeException e) { // the user sees it in the next list
                  log.warn("Could not tell {} that {} was shared: {}", user, doc, e.toString());
                }
              });
    } catch (RejectedExecutionException e) {
      // stopping: nobody is left to tell
    }
  }

  void opened(Session s) {
    ctx.metrics().connections.inc();
    ctx.timer()
        .schedule(
            () -> {
              if (s.helloTimedOut()) {
                s.error(
                    ErrorCode.HELLO_REQUIRED,
                    "no hello within " + ctx.config().helloTimeoutMillis() + " ms",
                    RequestHeader.NONE);
              }
            },
            ctx.config().helloTimeoutMillis(),
            TimeUnit.MILLISECONDS);
  }

  void closed(Session s) {
    ctx.metrics().connections.dec();
    ctx.userSessions().remove(s);
    for (String doc : s.subscriptions) {
      try {
        onDocument(doc, s, RequestHeader.of("leave"), (a, x) -> a.sessionClosed(x));
      } catch (RejectedExecutionException e) {
        // stopping: nobody is left to tell
      }
    }
  }

  void shutDown() {
    shuttingDown = true;
  }

  /** A text message from {@code s}, on a network thread. */
  void received(Session s, String text) {
    if (s.isClosing() || s.isDraining()) {
      return; // beyond the close: its sender resends what was not answered after reconnecting
    }
    long now = System.nanoTime();
    if (!s.bucket.tryTake(now)) {
      rateLimited(s, text, now);
      return;
    }
    int max = ctx.config().limits().maxMessageBytes();
    if (text.length() > max || Utf8.length(text) > max) {
      s.error(
          ErrorCode.MESSAGE_TOO_LARGE,
          "message has more than " + max + " bytes; split large edits into several batches",
          ProtocolCodec.peekRequest(text));
      return;
    }
    Request r;
    try {
      r = ProtocolCodec.decodeRequest(text);
    } catch (UnknownTypeException e) {
      refuse(s, ErrorCode.UNKNOWN_TYPE, e.getMessage(), text);
      return;
    } catch (MalformedMessageException e) {
      refuse(s, ErrorCode.MALFORMED, e.getMessage(), text);
      return;
    }
    RequestHeader about = r.header();
    if (shuttingDown) {
      s.error(ErrorCode.SHUTTING_DOWN, "the relay is stopping", about);
      return;
    }
    if (s.holdForHello(r)) {
      return; // handled once hello is checked
    }
    try {
      if (s.user() == null) {
        if (s.helloArrived()) {
          checkHello(s, r);
        }
      } else {
        dispatch(s, r);
      }
    } catch (RejectedExecutionException e) {
      s.error(ErrorCode.SHUTTING_DOWN, "the relay is stopping", about);
    }
  }

  /** Refuses a message that could not be read, naming whatever of it was readable. */
  private void refuse(Session s, ErrorCode code, String message, String text) {
    s.error(code, message, ProtocolCodec.peekRequest(text));
    if (s.user() == null) {
      s.close(CloseFrame.POLICY_VALIDATION, code.wireName());
    }
  }

  /**
   * A message over the rate is dropped, and refused with an error naming it, so that its sender
   * knows to send it again. A connection that keeps sending far past the rate (its dropped messages
   * run out their own bucket: more than {@code rateBurst} beyond what {@code ratePerSecond}
   * forgives) is closed instead: answering it would cost more than serving it.
   */
  private void rateLimited(Session s, String text, long now) {
    RequestHeader about = ProtocolCodec.peekRequest(text);
    if (!s.dropped.tryTake(now)) {
      log.warn("Closing session {} of {}: kept flooding past the rate limit", s.id(), s.user());
      ctx.metrics().error(ErrorCode.RATE_LIMITED);
      s.drainThenClose(
          "RATE_LIMITED: kept sending past the rate limit; reconnect and send more slowly");
      // Should an answer never come (a bug), the connection still goes.
      try {
        ctx.timer()
            .schedule(
                () -> s.close(CloseFrame.POLICY_VALIDATION, "RATE_LIMITED"),
                DRAIN_TIMEOUT_MILLIS,
                TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        s.close(CloseFrame.POLICY_VALIDATION, "RATE_LIMITED"); // the relay is stopping
      }
      return;
    }
    s.error(
        ErrorCode.RATE_LIMITED,
        "more than "
            + ctx.config().limits().ratePerSecond()
            + " messages a second; the message was dropped, send it again later",
        about);
  }

  /**
   * Checks a hello on a loader thread (it reads the database), then handles what came behind it, in
   * order: a request sent right after hello, without waiting for the welcome, is answered as if it
   * had waited.
   */
  private void checkHello(Session s, Request r) {
    s.checkingHello();
    try {
      ctx.loadPool()
          .execute(
              () -> {
                try {
                  hello(s, r);
                } finally { // whatever happened, what came behind it is not left waiting
                  for (Request next; (next = s.nextHeldForHello()) != null; ) {
                    handleAfterHello(s, next);
                  }
                }
              });
    } catch (RejectedExecutionException e) {
      s.nextHeldForHello(); // nothing is held: this connection's messages come on this thread
      throw e;
    }
  }

  private void handleAfterHello(Session s, Request r) {
    if (s.isClosing()) {
      return;
    }
    try {
      if (s.user() == null) {
        hello(s, r); // the hello was refused: this is the next try, as it would have been
      } else {
        dispatch(s, r);
      }
    } catch (RejectedExecutionException e) {
      s.error(ErrorCode.SHUTTING_DOWN, "the relay is stopping", r.header());
    }
  }

  private void hello(Session s, Request r) {
    RequestHeader about = r.header();
    if (!(r.message() instanceof ClientMessage.Hello hello)) {
      s.error(ErrorCode.HELLO_REQUIRED, "the first message must be hello", about);
      return;
    }
    if (hello.protocol() != ProtocolCodec.VERSION) {
      s.error(
          ErrorCode.PROTOCOL_VERSION,
          "this relay speaks protocol "
              + ProtocolCodec.VERSION
              + ", the client "
              + hello.protocol(),
          about);
      return;
    }
    Optional<String> user;
    if (ctx.config().openMode()) {
      user = Optional.of(RelayContext.GUEST);
    } else {
      try {
        user = ctx.store().users().authenticate(hello.token());
      } catch (StoreException e) {
        log.error("Checking a token failed", e);
        s.error(ErrorCode.INTERNAL, "the relay could not check the token", about);
        return;
      }
    }
    if (user.isEmpty()) {
      s.error(ErrorCode.UNAUTHORIZED, "unknown or revoked token", about);
      return;
    }
    if (s.upgradeUser() != null && !s.upgradeUser().equals(user.get())) {
      s.error(
          ErrorCode.UNAUTHORIZED,
          "the token in hello is another user's than the token in the upgrade request",
          about);
      return;
    }
    String owner;
    try {
      owner = ctx.store().clientIds().bind(hello.clientId(), user.get());
    } catch (StoreException e) {
      log.error("Binding a client id failed", e);
      s.error(ErrorCode.INTERNAL, "the relay could not check the client id", about);
      return;
    }
    if (!owner.equals(user.get())) {
      // Not saying whose it is: the id is all the other user needs to know about.
      s.error(
          ErrorCode.CLIENT_ID_TAKEN,
          "client id " + hello.clientId() + " belongs to another user; use this client's own id",
          about);
      return;
    }
    try {
      if (ctx.store().keys().revoked(user.get(), hello.clientId())) {
        s.error(
            ErrorCode.DEVICE_REVOKED,
            "device " + hello.clientId() + " of " + user.get() + " was revoked by its user",
            about);
        return;
      }
    } catch (StoreException e) {
      log.error("Checking whether a device is revoked failed", e);
      s.error(ErrorCode.INTERNAL, "the relay could not check the device", about);
      return;
    }
    s.authenticated(user.get(), hello.clientId());
    log.debug("Session {} is {} ({})", s.id(), user.get(), hello.clientId());
    s.welcome(
        r.id(),
        new ServerMessage.Welcome(
            ProtocolCodec.VERSION,
            user.get(),
            s.id(),
            ctx.config().opaque(),
            ctx.config().limits(),
            ctx.store().identity(),
            ctx.signer().publicKey()),
        () -> ctx.userSessions().add(s));
  }

  private void dispatch(Session s, Request r) {
    ClientMessage m = r.message();
    RequestHeader about = r.header();
    String id = r.id();
    s.requestTaken(id); // every path below answers it, or tells the session it was answered
    if (m instanceof ClientMessage.Hello) {
      s.error(ErrorCode.HELLO_REQUIRED, "hello was already said", about);
    } else if (m instanceof ClientMessage.ListDocuments l) {
      ctx.loadPool().execute(() -> list(s, id, l.after()));
    } else if (m instanceof ClientMessage.Create c) {
      String doc = c.doc() != null ? c.doc() : UUID.randomUUID().toString();
      onDocument(doc, s, about.withDoc(doc), (a, x) -> a.admin().create(x, id, c));
    } else if (m instanceof ClientMessage.Rename rn) {
      onDocument(rn.doc(), s, about, (a, x) -> a.admin().rename(x, id, rn));
    } else if (m instanceof ClientMessage.Delete d) {
      onDocument(d.doc(), s, about, (a, x) -> a.admin().delete(x, id));
    } else if (m instanceof ClientMessage.Trash t) {
      ctx.loadPool().execute(() -> trash.list(s, id, t.after()));
    } else if (m instanceof ClientMessage.Restore rs) {
      onDocument(rs.doc(), s, about, (a, x) -> a.admin().restore(x, id));
    } else if (m instanceof ClientMessage.Purge pg) {
      onDocument(pg.doc(), s, about, (a, x) -> a.admin().purge(x, id));
    } else if (m instanceof ClientMessage.EmptyTrash) {
      ctx.loadPool().execute(() -> trash.empty(s, id));
    } else if (m instanceof ClientMessage.Share sh) {
      onDocument(sh.doc(), s, about, (a, x) -> a.admin().share(x, id, sh));
    } else if (m instanceof ClientMessage.RegisterDevice d) {
      ctx.loadPool().execute(() -> registerDevice(s, id, about, d));
    } else if (m instanceof ClientMessage.UserDevices) {
      ctx.loadPool().execute(() -> userDevices(s, id, about));
    } else if (m instanceof ClientMessage.RevokeDevice rv) {
      ctx.loadPool().execute(() -> revokeDevice(s, id, about, rv.clientId()));
    } else if (m instanceof ClientMessage.Devices dv) {
      onDocument(dv.doc(), s, about, (a, x) -> a.keys().devices(x, id));
    } else if (m instanceof ClientMessage.Keys k) {
      onDocument(k.doc(), s, about, (a, x) -> a.keys().keys(x, id));
    } else if (m instanceof ClientMessage.Seal se) {
      onDocument(se.doc(), s, about, (a, x) -> a.keys().seal(x, id, se));
    } else if (m instanceof ClientMessage.Members mb) {
      onDocument(mb.doc(), s, about, (a, x) -> a.admin().members(x, id));
    } else if (m instanceof ClientMessage.Signatures sg) {
      onDocument(sg.doc(), s, about, (a, x) -> a.signatures(x, id, sg));
    } else if (m instanceof ClientMessage.Open o) {
      onDocument(o.doc(), s, about, (a, x) -> a.open(x, id, o));
    } else if (m instanceof ClientMessage.Unsubscribe u) {
      onDocument(u.doc(), s, about, (a, x) -> a.unsubscribeRequest(x, id));
    } else if (m instanceof ClientMessage.Submit sub) {
      if (!sub.batch().clientId().equals(s.clientId())) {
        clientIdMismatch(s, sub, about);
        return;
      }
      onDocument(sub.doc(), s, about, (a, x) -> a.submit(x, id, sub));
    } else if (m instanceof ClientMessage.Presence p) {
      onDocument(p.doc(), s, about, (a, x) -> a.presence(x, id, p));
    } else if (m instanceof ClientMessage.Upload u) {
      onDocument(u.doc(), s, about, (a, x) -> a.upload().upload(x, id, u));
    }
  }

  /**
   * Registers the connection's device keys for its (user, client id), for good: the same keys again
   * are answered again, other keys are refused.
   */
  private void registerDevice(
      Session s, String rid, RequestHeader about, ClientMessage.RegisterDevice d) {
    try {
      DeviceKeys registered = ctx.store().keys().register(s.user(), s.clientId(), d.keys());
      if (!registered.equals(d.keys())) {
        s.error(
            ErrorCode.DEVICE_KEY_CHANGED,
            "device "
                + s.clientId()
                + " of "
                + s.user()
                + " has other keys registered; a device's keys never change",
            about);
        return;
      }
      s.answer(rid, new ServerMessage.DeviceRegistered(s.user(), s.clientId(), registered));
    } catch (RuntimeException e) {
      log.error("Registering the keys of device {} failed", s.clientId(), e);
      s.error(ErrorCode.INTERNAL, "the relay could not store the device's keys", about);
    }
  }

  /** Answers {@code myDevices}: the connection's user's devices. */
  private void userDevices(Session s, String rid, RequestHeader about) {
    try {
      s.answer(rid, new ServerMessage.UserDevices(ctx.store().keys().devicesOf(s.user())));
    } catch (StoreException e) {
      log.error("Listing the devices of {} failed", s.user(), e);
      s.error(ErrorCode.INTERNAL, "the relay could not list the devices", about);
    }
  }

  /**
   * Revokes another device of the connection's user: its connections close, and every encrypted
   * document the user has a role on is due to rotate its key.
   */
  private void revokeDevice(Session s, String rid, RequestHeader about, String clientId) {
    if (ctx.config().openMode()) { // everybody is guest: one would lock the others out
      s.error(ErrorCode.FORBIDDEN, "devices cannot be revoked in open mode", about);
      return;
    }
    if (clientId.equals(s.clientId())) {
      s.error(
          ErrorCode.FORBIDDEN,
          "device " + clientId + " is this connection's: revoke it from another of your devices",
          about);
      return;
    }
    try {
      OptionalLong due = ctx.store().keys().revoke(s.user(), clientId, System.currentTimeMillis());
      if (due.isEmpty()) {
        s.error(
            ErrorCode.UNKNOWN_DEVICE,
            s.user() + " has no device " + clientId + " with keys registered, or revoked it",
            about);
        return;
      }
      ctx.userSessions().revoked(s.user(), clientId);
      s.answer(rid, new ServerMessage.DeviceRevoked(clientId, due.getAsLong()));
    } catch (StoreException e) {
      log.error("Revoking device {} of {} failed", clientId, s.user(), e);
      s.error(ErrorCode.INTERNAL, "the relay could not revoke the device", about);
    }
  }

  /**
   * A batch under another client id than the connection's hello: refused before it reaches the
   * document, since clients recognise their acknowledgements by client id.
   */
  private void clientIdMismatch(Session s, ClientMessage.Submit sub, RequestHeader about) {
    ctx.metrics().rejected(ErrorCode.CLIENT_ID_MISMATCH, sub.batch().size());
    s.error(
        ErrorCode.CLIENT_ID_MISMATCH,
        "batch client id "
            + sub.batch().clientId()
            + " is not this connection's client id "
            + s.clientId()
            + " (from hello)",
        about);
  }

  /** Answers a listing with the documents after {@code after}, as many as fit in a message. */
  private void list(Session s, String id, String after) {
    try {
      List<DocumentInfo> all =
          new ArrayList<>(ctx.store().documents().list(s.user(), ctx.config().openMode()));
      all.sort(Comparator.comparing(DocumentInfo::doc)); // the order "after" pages by
      long room = ctx.config().limits().maxMessageBytes() - WireSequenced.PAGE_OVERHEAD_BYTES;
      List<DocumentInfo> page = new ArrayList<>();
      boolean complete = true;
      for (DocumentInfo d : all) {
        if (after != null && d.doc().compareTo(after) <= 0) {
          continue; // listed in id order: these came in an earlier page
        }
        room -=
            Utf8.jsonLength(d.doc())
                + Utf8.jsonLength(d.title())
                + (d.sealedTitle() == null
                    ? 0
                    : SEALED_TITLE_BYTES + d.sealedTitle().sealed().length())
                + DOCUMENT_FIELDS_BYTES;
        if (room < 0 && !page.isEmpty()) {
          complete = false;
          break;
        }
        page.add(d);
      }
      s.answer(id, new ServerMessage.Documents(page, complete));
    } catch (StoreException e) {
      log.error("Listing documents failed", e);
      s.error(
          ErrorCode.INTERNAL,
          "the relay could not list documents",
          new RequestHeader(id, "list", null));
    }
  }

  /**
   * Runs {@code work} on the document's actor, creating the actor if there is none. Queuing happens
   * under the map's lock for that id, and so does {@link #evictIfIdle}: an actor is only dropped
   * when nothing is queued on it and nobody follows it, and there is never more than one actor per
   * document.
   */
  private void onDocument(
      String doc, Session s, RequestHeader request, BiConsumer<DocumentActor, Session> work) {
    actors.compute(
        doc,
        (id, existing) -> {
          DocumentActor a =
              existing != null ? existing : new DocumentActor(id, ctx, this::evictIfIdle);
          a.run(s, request, x -> work.accept(a, x));
          return a;
        });
  }

  private void evictIfIdle(DocumentActor a) {
    if (!a.keepWhileIdle()) {
      actors.computeIfPresent(a.id(), (id, current) -> current == a && a.isIdle() ? null : current);
    }
  }

  /** Drops actors that have been idle for longer than {@link #KEEP_IDLE_NANOS}. */
  private void dropIdle() {
    long now = System.nanoTime();
    for (String id : actors.keySet()) {
      actors.computeIfPresent(
          id, (k, a) -> a.isIdle() && a.idleNanos(now) > KEEP_IDLE_NANOS ? null : a);
    }
  }

  /** True when no document has anything queued, deferred or being committed. */
  boolean isQuiet() {
    for (DocumentActor a : actors.values()) {
      if (!a.isQuiet()) {
        return false;
      }
    }
    return true;
  }

  /** Number of documents whose actor is in memory: followed, busy, or kept a while after. */
  int documentsInMemory() {
    return actors.size();
  }

  /** Bytes queued unsent across {@code sessions}. */
  static long queuedBytes(Iterable<Session> sessions) {
    long sum = 0;
    for (Session s : sessions) {
      sum += s.queuedBytes();
    }
    return sum;
  }

  /** UTF-8 length of a string. */
  static final class Utf8 {
    private Utf8() {}

    /**
     * At least the UTF-8 length of {@code s} written as a JSON string: characters JSON escapes
     * count as six.
     */
    static long jsonLength(String s) {
      long n = 2;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        n += c < 0x20 || c == '"' || c == '\\' ? 6 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
      }
      return n;
    }

    static int length(String s) {
      int n = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          n++;
        } else if (c < 0x800) {
          n += 2;
        } else if (Character.isHighSurrogate(c)) {
          n += 4;
          i++;
        } else {
          n += 3;
        }
      }
      return n;
    }
  }
}
