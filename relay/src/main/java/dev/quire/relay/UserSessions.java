package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.RequestHeader;
import dev.quire.ot.protocol.ServerMessage;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections past hello, by user, so that a change to what a user may see reaches all of that
 * user's connections, not only those subscribed to the document. Thread-safe: sessions come and go
 * on network and loader threads while documents announce from their executors.
 */
final class UserSessions {
  // Each user's set is replaced, never changed in place: a sender iterates a snapshot.
  private final ConcurrentHashMap<String, Set<Session>> byUser = new ConcurrentHashMap<>();

  /** Adds a session that just said hello; a session that closed meanwhile is not kept. */
  void add(Session s) {
    byUser.compute(s.user(), (user, sessions) -> with(sessions, s));
    if (s.isClosing()) {
      remove(s); // its close may have been handled before it was added
    }
  }

  /** Removes a session (closed); one that never said hello is not held. */
  void remove(Session s) {
    String user = s.user();
    if (user != null) {
      byUser.computeIfPresent(user, (u, sessions) -> without(sessions, s));
    }
  }

  /** True when {@code user} has a connection past hello. */
  boolean has(String user) {
    return byUser.containsKey(user);
  }

  /** Sends {@code m} to every connection of {@code user} past hello except {@code except}. */
  void send(String user, ServerMessage m, Session except) {
    Set<Session> sessions = byUser.get(user);
    if (sessions == null) {
      return;
    }
    String json = ProtocolCodec.encode(m);
    for (Session s : sessions) {
      if (s != except) {
        s.sendJson(json);
      }
    }
  }

  /**
   * Refuses every connection of the device ({@code user}, {@code clientId}): each is sent {@code
   * DEVICE_REVOKED} and closes.
   */
  void revoked(String user, String clientId) {
    Set<Session> sessions = byUser.get(user);
    if (sessions == null) {
      return;
    }
    for (Session s : sessions) {
      if (clientId.equals(s.clientId())) {
        s.error(
            ErrorCode.DEVICE_REVOKED,
            "device " + clientId + " of " + user + " was revoked",
            RequestHeader.NONE);
      }
    }
  }

  private static Set<Session> with(Set<Session> sessions, Session s) {
    Set<Session> copy = sessions == null ? new HashSet<>() : new HashSet<>(sessions);
    copy.add(s);
    return Set.copyOf(copy);
  }

  private static Set<Session> without(Set<Session> sessions, Session s) {
    Set<Session> copy = new HashSet<>(sessions);
    copy.remove(s);
    return copy.isEmpty() ? null : Set.copyOf(copy);
  }
}
