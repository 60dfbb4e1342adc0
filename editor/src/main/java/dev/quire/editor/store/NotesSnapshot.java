package dev.quire.editor.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.ot.note.Anchor;
import dev.quire.ot.note.CommentThread;
import dev.quire.ot.note.DocumentNotes;
import dev.quire.ot.note.NamedVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A document's comments and named versions at a revision, kept in {@code notes_snapshots} (one a
 * document) so that opening it replays only the revisions after that one. Derived data: a snapshot
 * that cannot be read is ignored, and the notes are rebuilt from the log. The store's thread only.
 *
 * <pre>
 * {"revision": 4000, "usedIds": ["c1", "r1"],
 *  "comments": [{"id": "c1", "author": "bob", "revision": 2, "madeAt": 1790000002000,
 *                "from": 7, "to": 18, "text": "which fox?", "resolved": false,
 *                "replies": [{"id": "r1", "author": "alice", "revision": 4, "madeAt": 1790000004000,
 *                             "text": "the brown one"}]}],
 *  "versions": [{"name": "draft", "revision": 3, "author": "alice", "madeAt": 1790000003000,
 *                "namedIn": 3}]}
 * </pre>
 */
final class NotesSnapshot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NotesSnapshot() {}

  /** The snapshot of {@code doc}, if it has a readable one at or before {@code head}. */
  static Optional<DocumentNotes> read(Connection c, String doc, long head) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT revision, state FROM notes_snapshots WHERE doc_id = ?")) {
      s.setString(1, doc);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next() || rs.getLong(1) > head) {
          return Optional.empty();
        }
        return Optional.ofNullable(fromJson(rs.getString(2)));
      }
    }
  }

  /** Keeps {@code json} ({@link #toJson}) as the snapshot of {@code doc} at {@code revision}. */
  static void write(Connection c, String doc, long revision, String json) throws SQLException {
    Queries.update(
        c,
        "MERGE INTO notes_snapshots (doc_id, revision, state) KEY (doc_id) VALUES (?, ?, ?)",
        doc,
        revision,
        json);
  }

  static void delete(Connection c, String doc) throws SQLException {
    Queries.update(c, "DELETE FROM notes_snapshots WHERE doc_id = ?", doc);
  }

  /** The JSON text of {@code notes}' state. */
  static String toJson(DocumentNotes notes) {
    ObjectNode o = JSON.createObjectNode().put("revision", notes.revision());
    ArrayNode used = o.putArray("usedIds");
    notes.usedIds().stream().sorted().forEach(used::add);
    ArrayNode comments = o.putArray("comments");
    for (CommentThread t : notes.comments()) {
      ObjectNode c =
          comments
              .addObject()
              .put("id", t.id())
              .put("author", t.author())
              .put("revision", t.revision())
              .put("madeAt", t.madeAtMillis())
              .put("from", t.anchor().from())
              .put("to", t.anchor().to())
              .put("text", t.text())
              .put("resolved", t.resolved());
      ArrayNode replies = c.putArray("replies");
      for (CommentThread.Reply r : t.replies()) {
        replies
            .addObject()
            .put("id", r.id())
            .put("author", r.author())
            .put("revision", r.revision())
            .put("madeAt", r.madeAtMillis())
            .put("text", r.text());
      }
    }
    ArrayNode versions = o.putArray("versions");
    for (NamedVersion v : notes.versions()) {
      versions
          .addObject()
          .put("name", v.name())
          .put("revision", v.revision())
          .put("author", v.author())
          .put("madeAt", v.madeAtMillis())
          .put("namedIn", v.namedIn());
    }
    return o.toString();
  }

  /** The state {@code json} holds, or null when it cannot be read (then the log is replayed). */
  static @Nullable DocumentNotes fromJson(String json) {
    try {
      JsonNode o = JSON.readTree(json);
      Set<String> used = new HashSet<>();
      o.get("usedIds").forEach(id -> used.add(id.textValue()));
      List<CommentThread> comments = new ArrayList<>();
      for (JsonNode c : o.get("comments")) {
        List<CommentThread.Reply> replies = new ArrayList<>();
        for (JsonNode r : c.get("replies")) {
          replies.add(
              new CommentThread.Reply(
                  r.get("id").textValue(),
                  r.get("author").textValue(),
                  r.get("revision").longValue(),
                  r.get("madeAt").longValue(),
                  r.get("text").textValue()));
        }
        comments.add(
            new CommentThread(
                c.get("id").textValue(),
                c.get("author").textValue(),
                c.get("revision").longValue(),
                c.get("madeAt").longValue(),
                new Anchor(c.get("from").intValue(), c.get("to").intValue()),
                c.get("text").textValue(),
                c.get("resolved").booleanValue(),
                replies));
      }
      List<NamedVersion> versions = new ArrayList<>();
      for (JsonNode v : o.get("versions")) {
        versions.add(
            new NamedVersion(
                v.get("name").textValue(),
                v.get("revision").longValue(),
                v.get("author").textValue(),
                v.get("madeAt").longValue(),
                v.get("namedIn").longValue()));
      }
      return DocumentNotes.restore(o.get("revision").longValue(), comments, used, versions);
    } catch (JsonProcessingException | RuntimeException e) {
      return null; // derived data: rebuilt from the log
    }
  }
}
