package dev.quire.relay;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.UnknownTypeException;
import dev.quire.relay.store.StoreException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
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
  private volatile boolean shuttingDown;

  /** How long an idle actor of a live document is kept before it is dropped. */
  static final long KEEP_IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);

  Dispatcher(RelayContext ctx) {
    this.ctx = ctx;
    ctx.timer().scheduleWithFixedDelay(this::dropIdle, 500, 500, TimeUnit.MILLISECONDS);
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
                    null,
                    null);
              }
            },
            ctx.config().helloTimeoutMillis(),
            TimeUnit.MILLISECONDS);
  }

  void closed(Session s) {
    ctx.metrics().connections.dec();
    for (String doc : s.subscriptions) {
      try {
        onDocument(doc, s, "leave", DocumentActor::sessionClosed);
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
    if (s.isClosing()) {
      return;
    }
    if (!s.bucket.tryTake(System.nanoTime())) {
      rateLimited(s);
      return;
    }
    s.droppedInARow = 0;
    int max = ctx.config().limits().maxMessageBytes();
    if (text.length() > max || Utf8.length(text) > max) {
      s.error(
          ErrorCode.MESSAGE_TOO_LARGE,
          "message has more than " + max + " bytes; split large edits into several batches",
          null,
          null);
      return;
    }
    ClientMessage m;
    try {
      m = ProtocolCodec.decodeClient(text);
    } catch (UnknownTypeException e) {
      refuseBeforeHello(s, ErrorCode.UNKNOWN_TYPE, e.getMessage());
      return;
    } catch (MalformedMessageException e) {
      refuseBeforeHello(s, ErrorCode.MALFORMED, e.getMessage());
      return;
    }
    if (shuttingDown) {
      s.error(ErrorCode.SHUTTING_DOWN, "the relay is stopping", m.doc(), m.type());
      return;
    }
    try {
      if (s.holdForHello(m)) {
        return; // handled once hello is checked
      }
      if (s.user() == null) {
        if (s.helloArrived()) {
          checkHello(s, m);
        }
      } else {
        dispatch(s, m);
      }
    } catch (RejectedExecutionException e) {
      s.error(ErrorCode.SHUTTING_DOWN, "the relay is stopping", m.doc(), m.type());
    }
  }

  private void refuseBeforeHello(Session s, ErrorCode code, String message) {
    if (s.user() == null) {
      s.error(code, message, null, null);
      s.close(org.java_websocket.framing.CloseFrame.POLICY_VALIDATION, code.wireName());
    } else {
      s.error(code, message, null, null);
    }
  }

  private void rateLimited(Session s) {
    s.droppedInARow++;
    long now = System.nanoTime();
    if (s.droppedInARow > ctx.config().limits().rateBurst()) {
      log.warn("Closing session {} of {}: kept flooding past the rate limit", s.id(), s.user());
      s.error(ErrorCode.RATE_LIMITED, "kept sending past the rate limit", null, null);
      s.close(org.java_websocket.framing.CloseFrame.POLICY_VALIDATION, "RATE_LIMITED");
    } else if (now - s.lastRateErrorNanos > 100_000_000L || s.droppedInARow == 1) {
      s.lastRateErrorNanos = now;
      s.error(
          ErrorCode.RATE_LIMITED,
          "more than "
              + ctx.config().limits().ratePerSecond()
              + " messages a second; the message was dropped, send it again later",
          null,
          null);
    }
  }

  /**
   * Checks a hello on a loader thread (it reads the database), then handles what came behind it, in
   * order: a request sent right after hello, without waiting for the welcome, is answered as if it
   * had waited.
   */
  private void checkHello(Session s, ClientMessage m) {
    s.checkingHello();
    try {
      ctx.loadPool()
          .execute(
              () -> {
                try {
                  hello(s, m);
                } finally { // whatever happened, what came behind it is not left waiting
                  for (ClientMessage next; (next = s.nextHeldForHello()) != null; ) {
                    handleAfterHello(s, next);
                  }
                }
              });
    } catch (RejectedExecutionException e) {
      s.nextHeldForHello(); // nothing is held: this connection's messages come on this thread
      throw e;
    }
  }

  private void handleAfterHello(Session s, ClientMessage m) {
    if (s.isClosing()) {
      return;
    }
    try {
      if (s.user() == null) {
        hello(s, m); // the hello was refused: this is the next try, as it would have been
      } else {
        dispatch(s, m);
      }
    } catch (RejectedExecutionException e) {
      s.error(ErrorCode.SHUTTING_DOWN, "the relay is stopping", m.doc(), m.type());
    }
  }

  private void hello(Session s, ClientMessage m) {
    if (!(m instanceof ClientMessage.Hello hello)) {
      s.error(ErrorCode.HELLO_REQUIRED, "the first message must be hello", m.doc(), m.type());
      return;
    }
    if (hello.protocol() != ProtocolCodec.VERSION) {
      s.error(
          ErrorCode.PROTOCOL_VERSION,
          "this relay speaks protocol "
              + ProtocolCodec.VERSION
              + ", the client "
              + hello.protocol(),
          null,
          "hello");
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
        s.error(ErrorCode.INTERNAL, "the relay could not check the token", null, "hello");
        return;
      }
    }
    if (user.isEmpty()) {
      s.error(ErrorCode.UNAUTHORIZED, "unknown or revoked token", null, "hello");
      return;
    }
    String owner;
    try {
      owner = ctx.store().clientIds().bind(hello.clientId(), user.get());
    } catch (StoreException e) {
      log.error("Binding a client id failed", e);
      s.error(ErrorCode.INTERNAL, "the relay could not check the client id", null, "hello");
      return;
    }
    if (!owner.equals(user.get())) {
      // Not saying whose it is: the id is all the other user needs to know about.
      s.error(
          ErrorCode.CLIENT_ID_TAKEN,
          "client id " + hello.clientId() + " belongs to another user; use this client's own id",
          null,
          "hello");
      return;
    }
    s.authenticated(user.get(), hello.clientId());
    log.debug("Session {} is {} ({})", s.id(), user.get(), hello.clientId());
    s.send(
        new ServerMessage.Welcome(
            ProtocolCodec.VERSION,
            user.get(),
            s.id(),
            ctx.config().opaque(),
            ctx.config().limits()));
  }

  private void dispatch(Session s, ClientMessage m) {
    if (m instanceof ClientMessage.Hello) {
      s.error(ErrorCode.HELLO_REQUIRED, "hello was already said", null, "hello");
    } else if (m instanceof ClientMessage.ListDocuments) {
      ctx.loadPool().execute(() -> list(s));
    } else if (m instanceof ClientMessage.Create c) {
      String doc = c.doc() != null ? c.doc() : UUID.randomUUID().toString();
      onDocument(doc, s, m.type(), (a, x) -> a.create(x, c));
    } else if (m instanceof ClientMessage.Rename r) {
      onDocument(r.doc(), s, m.type(), (a, x) -> a.rename(x, r));
    } else if (m instanceof ClientMessage.Delete d) {
      onDocument(d.doc(), s, m.type(), (a, x) -> a.delete(x, d));
    } else if (m instanceof ClientMessage.Share sh) {
      onDocument(sh.doc(), s, m.type(), (a, x) -> a.share(x, sh));
    } else if (m instanceof ClientMessage.Open o) {
      onDocument(o.doc(), s, m.type(), (a, x) -> a.open(x, o));
    } else if (m instanceof ClientMessage.Unsubscribe u) {
      onDocument(u.doc(), s, m.type(), (a, x) -> a.unsubscribeRequest(x));
    } else if (m instanceof ClientMessage.Submit sub) {
      if (!sub.batch().clientId().equals(s.clientId())) {
        clientIdMismatch(s, sub);
        return;
      }
      onDocument(sub.doc(), s, m.type(), (a, x) -> a.submit(x, sub));
    } else if (m instanceof ClientMessage.Presence p) {
      onDocument(p.doc(), s, m.type(), (a, x) -> a.presence(x, p));
    }
  }

  /**
   * A batch under another client id than the connection's hello: refused before it reaches the
   * document, since clients recognise their acknowledgements by client id.
   */
  private void clientIdMismatch(Session s, ClientMessage.Submit sub) {
    ctx.metrics().rejected(ErrorCode.CLIENT_ID_MISMATCH, sub.batch().size());
    s.error(
        ErrorCode.CLIENT_ID_MISMATCH,
        "batch client id "
            + sub.batch().clientId()
            + " is not this connection's client id "
            + s.clientId()
            + " (from hello)",
        sub.doc(),
        sub.type());
  }

  private void list(Session s) {
    try {
      s.send(
          new ServerMessage.Documents(
              ctx.store().documents().list(s.user(), ctx.config().openMode())));
    } catch (StoreException e) {
      log.error("Listing documents failed", e);
      s.error(ErrorCode.INTERNAL, "the relay could not list documents", null, "list");
    }
  }

  /**
   * Runs {@code work} on the document's actor, creating the actor if there is none. Queuing happens
   * under the map's lock for that id, and so does {@link #evictIfIdle}: an actor is only dropped
   * when nothing is queued on it and nobody follows it, and there is never more than one actor per
   * document.
   */
  private void onDocument(
      String doc, Session s, String request, BiConsumer<DocumentActor, Session> work) {
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
