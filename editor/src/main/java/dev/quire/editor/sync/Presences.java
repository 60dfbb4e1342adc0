package dev.quire.editor.sync;

import dev.quire.ot.cursor.Selection;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.sync.ClientState;
import dev.quire.ot.sync.ClientSync;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collaborators' carets kept in the coordinates of the current local text: each arrives with the
 * revision it refers to and is transformed to the local text (through the revisions since, then
 * this client's unacknowledged edits); after that every edit moves it. One that refers to a
 * revision not received yet waits for it. Owner thread only.
 */
final class Presences {
  private final Map<String, RemotePresence> current = new LinkedHashMap<>();
  private final Map<String, ServerMessage.PresenceOf> waiting = new LinkedHashMap<>();

  Map<String, RemotePresence> current() {
    return Map.copyOf(current);
  }

  private final java.util.Set<String> heard = new java.util.HashSet<>();

  /**
   * True for a collaborator's connection heard from before (and not gone since), even if its caret
   * could not be placed: a newcomer is greeted once, never again on every caret it sends.
   */
  boolean knows(String session) {
    return heard.contains(session);
  }

  /** A collaborator's caret from the relay; true when what is shown changed. */
  boolean received(ServerMessage.PresenceOf p, ClientSync sync, LocalLog log) {
    heard.add(p.session());
    if (p.revision() > sync.revision()) {
      waiting.put(p.session(), p);
      return false;
    }
    waiting.remove(p.session());
    if (!log.covers(p.revision())) {
      return false; // too old to place; the next one will do
    }
    Selection s = clamp(p.selection(), log.lengthAt(p.revision()));
    for (long r = p.revision() + 1; r <= sync.revision(); r++) {
      s = s.transform(log.operation(r), false);
    }
    for (TextOperation op : pending(sync.state())) {
      s = s.transform(op, false);
    }
    current.put(p.session(), new RemotePresence(p.session(), p.user(), p.name(), p.colour(), s));
    return true;
  }

  /** Places carets that were waiting for revisions now received. */
  void caughtUp(DocumentSession session) {
    for (Iterator<ServerMessage.PresenceOf> it = waiting.values().iterator(); it.hasNext(); ) {
      ServerMessage.PresenceOf p = it.next();
      if (p.revision() <= session.revision()) {
        it.remove();
        received(p, session.sync(), session.log());
      }
    }
  }

  void leave(String session) {
    current.remove(session);
    waiting.remove(session);
    heard.remove(session);
  }

  void clear() {
    current.clear();
    waiting.clear();
    heard.clear();
  }

  void localEdit(TextOperation op) {
    current.replaceAll((k, p) -> p.at(p.selection().transform(op, false)));
  }

  void remoteEdit(TextOperation op, String author) {
    current.replaceAll((k, p) -> p.at(p.selection().transform(op, p.user().equals(author))));
  }

  /** A local selection moved back to the head revision's text (before unacknowledged edits). */
  Selection toHead(Selection local, ClientSync sync, LocalLog log) {
    List<TextOperation> pending = pending(sync.state());
    if (pending.isEmpty()) {
      return local;
    }
    // Map back through the pending edits, latest first, as past their inverses. Only the edits'
    // shapes matter, so the inverses carry placeholder text instead of the deleted text (reading
    // that meant copying the whole document on every caret move).
    Selection s = clamp(local, pending.get(pending.size() - 1).targetLength());
    for (int i = pending.size() - 1; i >= 0; i--) {
      s = s.transform(shapeOfInverse(pending.get(i)), false);
    }
    return s;
  }

  /** An operation with the shape of {@code op}'s inverse: deleted text replaced by placeholders. */
  static TextOperation shapeOfInverse(TextOperation op) {
    TextOperation.Builder b = TextOperation.builder();
    for (dev.quire.ot.operation.Component c : op.components()) {
      if (c instanceof dev.quire.ot.operation.Component.Retain r) {
        b.retain(r.count());
      } else if (c instanceof dev.quire.ot.operation.Component.Insert ins) {
        b.delete(ins.length());
      } else {
        b.insert("x".repeat(c.length()));
      }
    }
    return b.build();
  }

  private static List<TextOperation> pending(ClientState st) {
    List<TextOperation> ops = new ArrayList<>(st.inFlightOperations());
    ops.addAll(st.queued());
    return ops;
  }

  private static Selection clamp(Selection s, int length) {
    return new Selection(Math.min(s.anchor(), length), Math.min(s.head(), length));
  }
}
