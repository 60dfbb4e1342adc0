package dev.quire.editor.ui.history;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.note.Note;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayList;
import java.util.List;

/** Writes a document's history straight into a local store, as if received from a relay. */
final class Histories {
  /** Revision r was sequenced at this time plus r seconds. */
  static final long EPOCH_MILLIS = 1_790_000_000_000L;

  /** Revision 2 was made offline this long before it was sequenced; the others as sequenced. */
  static final long REV2_MADE_EARLIER_MILLIS = 5 * 3_600_000L;

  private Histories() {}

  /** Deletes a throw-away profile directory. */
  static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (var p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }

  /** One revision: its batch's own, with the batch's notes. */
  record Edit(String author, TextOperation operation, List<Note> notes) {
    Edit(String author, TextOperation operation) {
      this(author, operation, List.of());
    }
  }

  /** Creates {@code doc} (known to the relay) with one revision per edit, checkpoints included. */
  static void write(LocalStore store, String doc, String title, List<Edit> edits) throws Exception {
    store.createDocument(doc, title, EPOCH_MILLIS, true, List.of()).get();
    GapBuffer text = new GapBuffer();
    int chunk = 10_000;
    for (int from = 0; from < edits.size(); from += chunk) {
      List<Revision> revs = new ArrayList<>();
      List<LocalStore.Checkpoint> cps = new ArrayList<>();
      for (int i = from; i < Math.min(edits.size(), from + chunk); i++) {
        long r = i + 1;
        Edit e = edits.get(i);
        text.apply(e.operation());
        String client = "c-" + e.author();
        revs.add(
            new Revision(
                r,
                r - 1,
                r,
                e.author(),
                client,
                r,
                EPOCH_MILLIS + r * 1000,
                EPOCH_MILLIS + r * 1000 - (r == 2 ? REV2_MADE_EARLIER_MILLIS : 0),
                e.operation(),
                e.operation(),
                e.notes()));
        if (r % LocalStore.CHECKPOINT_INTERVAL == 0) {
          cps.add(new LocalStore.Checkpoint(r, text.toString()));
        }
      }
      store.received(doc, revs, cps, OutboxChange.unchanged()).get();
    }
  }
}
