package dev.quire.editor.cli;

import dev.quire.editor.history.HistoryFileException;
import dev.quire.editor.history.HistoryRecord;
import dev.quire.editor.history.HistoryVerifier;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.OutboxChange;
import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.Component;
import dev.quire.ot.protocol.Ids;
import dev.quire.ot.text.GapBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Option;

/**
 * {@code quire import FILE --history}: a new local document holding a history file's revisions,
 * authors and times as they are in the file. Revisions reach the profile only once a checkpoint (or
 * the end) after them verified; a file that does not verify leaves nothing behind, unless {@code
 * --force} keeps its verified prefix. The revisions waiting for their checkpoint are held in
 * memory, up to {@link #maxPendingChars()}: a file with more between two checkpoints is refused
 * there rather than running out of memory.
 */
final class ImportHistoryOptions {
  /**
   * Revisions held until the next checkpoint verifies; a file with rarer checkpoints is refused.
   */
  static final int MAX_CHECKPOINT_EVERY = 100_000;

  /**
   * The most characters of inserted text held while waiting for a checkpoint: an eighth of the
   * memory this JVM may use (a quarter of it, as a character may take two bytes).
   */
  static long maxPendingChars() {
    return Runtime.getRuntime().maxMemory() / 8;
  }

  @Option(
      names = "--history",
      description = "FILE is a history file (quire export --history): import its whole history")
  boolean history;

  @Option(
      names = "--force",
      description =
          "with --history: import a file that does not verify, up to its last checkpoint that did")
  boolean force;

  boolean requested() {
    return history;
  }

  int run(LocalStore store, Path file, String title, String id, PrintWriter out, PrintWriter err) {
    Importer importer = new Importer(store, id, title);
    HistoryVerifier.Result r;
    try (InputStream in = Files.newInputStream(file)) {
      r = new HistoryVerifier(Set.of()).verify(in, importer);
    } catch (IOException | UncheckedIOException e) {
      importer.undo();
      throw new CliException(ExitCodes.USAGE, file + ": cannot read: " + e.getMessage());
    }
    try {
      ProfileCommand.await(importer.written);
    } catch (CliException e) {
      importer.undo();
      throw e;
    }
    if (!r.ok() && (!force || r.verifiedUpTo() == 0)) {
      importer.undo();
      throw new CliException(
          ExitCodes.FAILED,
          file
              + ": "
              + r.problem().getMessage()
              + (force
                  ? "; no revision verified, nothing was imported"
                  : "; nothing was imported (--force imports the revisions up to the last"
                      + " checkpoint that verified"
                      + (r.verifiedUpTo() > 0 ? ", 1.." + r.verifiedUpTo() : "")
                      + ")"));
    }
    if (!r.ok()) {
      err.println("quire import: " + file + ": " + r.problem().getMessage());
      err.println(
          "quire import: --force: imported revisions 1.."
              + r.verifiedUpTo()
              + ", the verified prefix (the file is bad from revision "
              + r.problem().revision()
              + ")");
    }
    out.println(importer.docId);
    return ExitCodes.OK;
  }

  /** Writes verified revisions to the store as the verifier confirms them. */
  private static final class Importer implements HistoryVerifier.Listener {
    final LocalStore store;
    final String requestedId;
    final String requestedTitle;
    String docId;
    final List<Revision> pending = new ArrayList<>();
    final List<LocalStore.Checkpoint> checkpoints = new ArrayList<>();
    final long maxPendingChars = maxPendingChars();
    long pendingChars;
    CompletableFuture<?> written = CompletableFuture.completedFuture(null);

    Importer(LocalStore store, String id, String title) {
      this.store = store;
      this.requestedId = id;
      this.requestedTitle = title;
    }

    @Override
    public void header(HistoryRecord.Header h) {
      if (h.checkpointEvery() > MAX_CHECKPOINT_EVERY) {
        throw new HistoryFileException(
            1,
            -1,
            "line 1: the header has a checkpoint every "
                + h.checkpointEvery()
                + " revisions; import takes at most "
                + MAX_CHECKPOINT_EVERY);
      }
      String id = requestedId != null ? requestedId : ImportCommand.newId();
      String title = requestedTitle != null ? requestedTitle : h.title();
      try {
        Ids.requireDocumentId(id);
        Ids.requireTitle(title);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      if (!ProfileCommand.await(
          store.createDocument(id, title, h.createdMillis(), false, List.of()))) {
        throw new CliException(ExitCodes.USAGE, "a document " + id + " exists already");
      }
      docId = id;
    }

    @Override
    public void revision(HistoryRecord.RevisionRecord r, GapBuffer text) {
      pending.add(
          new Revision(
              r.revision(),
              r.baseRevision(),
              r.batchFirst(),
              r.author(),
              r.clientId(),
              r.batchSeq(),
              r.timeMillis(),
              r.madeAtMillis(),
              r.operation(),
              r.original(),
              r.notes()));
      pendingChars += 16; // a revision's own members
      for (Component c : r.operation().components()) {
        if (c instanceof Component.Insert i) {
          pendingChars += i.text().length();
        }
      }
      if (r.revision() % LocalStore.CHECKPOINT_INTERVAL == 0) {
        checkpoints.add(new LocalStore.Checkpoint(r.revision(), text.toString()));
        pendingChars += text.length();
      }
      if (pendingChars > maxPendingChars) {
        throw new HistoryFileException(
            -1,
            r.revision(),
            String.format(
                "revision %d: the revisions since the last checkpoint hold more than %,d"
                    + " characters, more than import keeps in memory until a checkpoint confirms"
                    + " them (an eighth of the memory Java may use; QUIRE_JAVA_OPTS=-Xmx4g gives"
                    + " it more)",
                r.revision(), maxPendingChars));
      }
    }

    @Override
    public void verified(long revision, GapBuffer text) {
      if (pending.isEmpty()) {
        return;
      }
      ProfileCommand.await(written); // one write in memory at a time
      written =
          store.received(
              docId, List.copyOf(pending), List.copyOf(checkpoints), OutboxChange.unchanged());
      pending.clear();
      checkpoints.clear();
      pendingChars = 0;
    }

    /** Deletes the document begun, if any: a refused import leaves the profile as it was. */
    void undo() {
      if (docId != null) {
        ProfileCommand.await(store.deleteDocument(docId, System.currentTimeMillis()));
        docId = null;
      }
    }
  }
}
