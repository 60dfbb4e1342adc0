package dev.quire.editor.cli;

import dev.quire.editor.history.HistoryFormat;
import dev.quire.editor.history.HistoryRecord;
import dev.quire.editor.history.HistoryWriter;
import dev.quire.editor.history.HtmlTimeline;
import dev.quire.editor.history.Signatures;
import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.editor.ui.KnownPeople;
import dev.quire.ot.protocol.RelaySignature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The history forms of {@code quire export}: {@code --history FILE}, {@code --html FILE} and {@code
 * --rev N}. A mixin, so that the export command keeps one class per form.
 */
final class ExportHistoryOptions {
  private static final int PAGE = 10_000;

  @Option(
      names = "--history",
      paramLabel = "FILE",
      description =
          "write the whole history of DOC (every revision with author, client, batch and time)"
              + " as a verifiable history file (docs/history-format.md)")
  Path history;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "write a self-contained HTML timeline of the history, viewable offline")
  Path html;

  @Option(
      names = "--rev",
      paramLabel = "N",
      description = "write the text at revision N (0 is the empty start) instead of the local text")
  Long revision;

  @Option(
      names = "--sign",
      paramLabel = "KEY",
      description = "with --history: sign every checkpoint with this Ed25519 private key (PEM)")
  Path signingKey;

  @Option(
      names = "--countersign",
      description =
          "with --history: sign every checkpoint with this profile's own device key (made on first"
              + " use and kept in the profile): the author's device vouches for the history it"
              + " holds, beside the relay's signatures")
  boolean countersign;

  @Option(
      names = "--plaintext",
      description =
          "with --history, for an encrypted document: write its plaintext history (as for any"
              + " other document) instead of its ciphertext chain")
  boolean plaintext;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description = "with --history: a checkpoint record every N revisions (default: 1000)")
  int checkpointEvery = HistoryFormat.DEFAULT_CHECKPOINT_EVERY;

  /** True when one of the history forms was asked for. */
  boolean requested() {
    return history != null || html != null || revision != null;
  }

  /**
   * Runs the form asked for.
   *
   * @param file the positional FILE: where {@code --rev} writes (stdout when null)
   */
  int run(LocalStore store, String doc, Path file, PrintWriter out, PrintWriter err) {
    int forms = (history != null ? 1 : 0) + (html != null ? 1 : 0) + (revision != null ? 1 : 0);
    if (forms > 1) {
      throw new CliException(ExitCodes.USAGE, "--history, --html and --rev go one at a time");
    }
    if ((signingKey != null || countersign) && history == null) {
      throw new CliException(ExitCodes.USAGE, "--sign and --countersign go with --history");
    }
    if (signingKey != null && countersign) {
      throw new CliException(ExitCodes.USAGE, "--sign and --countersign go one at a time");
    }
    if (plaintext && history == null) {
      throw new CliException(ExitCodes.USAGE, "--plaintext goes with --history");
    }
    if (file != null && revision == null) {
      throw new CliException(ExitCodes.USAGE, "FILE goes with --rev, or without an option");
    }
    LocalDocument d = ProfileCommand.document(store, doc);
    if (revision != null) {
      return textAt(store, d, file, out);
    }
    if (checkpointEvery < 1) {
      throw new CliException(ExitCodes.USAGE, "--checkpoint-every must be at least 1");
    }
    LocalStore.KeyringRows keyring = ProfileCommand.await(store.keyring());
    if (history != null && !plaintext && keyring.encrypted().contains(d.id())) {
      if (signingKey != null || countersign) {
        throw new CliException(
            ExitCodes.USAGE,
            d.id()
                + " is encrypted: its ciphertext chain carries its devices' and the relay's"
                + " signatures; --sign and --countersign go with its plaintext history"
                + " (--plaintext)");
      }
      try {
        writeAtomically(history, stream -> SealedExport.write(store, d, keyring, stream));
      } catch (SealedExport.Gap gap) {
        // Received before the profile kept ciphertext: the relay stores it.
        String why = SealedBackfill.fetch(store, d, gap.revision);
        if (why != null) {
          throw SealedExport.refusal(d, gap.revision, why);
        }
        err.println(
            "quire export: fetched the ciphertext of revisions "
                + gap.revision
                + ".."
                + d.head()
                + " from the relay and kept it");
        try {
          writeAtomically(history, stream -> SealedExport.write(store, d, keyring, stream));
        } catch (SealedExport.Gap still) {
          throw SealedExport.refusal(d, still.revision, "the relay does not hold it either");
        }
      }
      err.println(
          "quire export: wrote the ciphertext chain of encrypted document "
              + d.id()
              + " (checkable without the key; --plaintext writes the plaintext history)");
      return ExitCodes.OK;
    }
    Signatures.Signer signer = null;
    if (signingKey != null) {
      try {
        signer = Signatures.Signer.read(signingKey);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
    }
    if (countersign) {
      signer = Signatures.Signer.of(ProfileCommand.await(store.deviceKey()));
      err.println(
          "quire export: countersigned with this profile's key "
              + Signatures.fingerprint(signer.publicKey()));
    }
    Path target = history != null ? history : html;
    Signatures.Signer s = signer;
    writeAtomically(
        target,
        stream -> {
          if (history != null) {
            writeHistory(store, d, stream, s);
          } else {
            HtmlTimeline t =
                new HtmlTimeline(stream, d.id(), d.title(), KnownPeople.inProfile(store.dir()));
            eachRevision(store, d, t::revision);
            t.finish();
          }
        });
    int unsent = ProfileCommand.await(store.pendingTimes(d.id())).size();
    if (unsent > 0) {
      err.println(
          "quire export: "
              + unsent
              + " unsent local edit(s) are not in the history: revisions are what the relay"
              + " sequenced; sync first to include them");
    }
    return ExitCodes.OK;
  }

  private int textAt(LocalStore store, LocalDocument d, Path file, PrintWriter out) {
    if (revision < 0 || revision > d.head()) {
      throw new CliException(
          ExitCodes.USAGE,
          "document " + d.id() + " has revisions 0.." + d.head() + ", not " + revision);
    }
    String text = ProfileCommand.await(store.textAt(d.id(), revision));
    if (file == null) {
      out.print(text);
      return ExitCodes.OK;
    }
    writeAtomically(
        file,
        stream -> {
          try {
            stream.write(text.getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    return ExitCodes.OK;
  }

  private void writeHistory(
      LocalStore store, LocalDocument d, OutputStream stream, Signatures.Signer signer) {
    RelayRecords relay = RelayRecords.of(d, ProfileCommand.await(store.relaySignatures(d.id())));
    HistoryWriter w =
        new HistoryWriter(
            stream,
            new HistoryRecord.Header(
                    d.id(),
                    d.title(),
                    d.createdMillis(),
                    System.currentTimeMillis(),
                    checkpointEvery)
                .withRelayKey(relay.key()),
            signer);
    eachRevision(
        store,
        d,
        r -> {
          w.revision(recordOf(r));
          relay.at(r.revision()).forEach(w::relay);
        });
    w.finish();
  }

  /** The relay's signatures a profile keeps for a document, by one key, as history records. */
  private record RelayRecords(String key, Map<Long, HistoryRecord.RelayRecord> byRevision) {
    /** The signatures by the key of the latest one (a profile syncs with one relay). */
    static RelayRecords of(LocalDocument d, List<LocalStore.RelaySigned> kept) {
      if (kept.isEmpty()) {
        return new RelayRecords(null, Map.of());
      }
      List<LocalStore.RelaySigned> overText =
          kept.stream().filter(k -> k.signature().textHash() != null).toList();
      if (overText.isEmpty()) {
        return new RelayRecords(null, Map.of()); // an encrypted document's: over its ciphertext
      }
      String key = overText.get(overText.size() - 1).relayKey();
      Map<Long, HistoryRecord.RelayRecord> by = new HashMap<>();
      for (LocalStore.RelaySigned k : kept) {
        RelaySignature s = k.signature();
        if (k.relayKey().equals(key) && s.revision() <= d.head() && s.textHash() != null) {
          by.put(
              s.revision(),
              new HistoryRecord.RelayRecord(
                  s.revision(), d.id(), s.chain(), s.textHash(), key, s.signature()));
        }
      }
      return new RelayRecords(by.isEmpty() ? null : key, by);
    }

    List<HistoryRecord.RelayRecord> at(long revision) {
      HistoryRecord.RelayRecord r = byRevision.get(revision);
      return r == null ? List.of() : List.of(r);
    }
  }

  static HistoryRecord.RevisionRecord recordOf(Revision r) {
    return new HistoryRecord.RevisionRecord(
        r.revision(),
        r.baseRevision(),
        r.batchFirst(),
        r.author(),
        r.clientId(),
        r.batchSeq(),
        r.timestampMillis(),
        r.madeAtMillis(),
        r.operation(),
        r.original(),
        r.notes());
  }

  /** Every revision of the log in order, a page at a time, the next page read meanwhile. */
  private static void eachRevision(LocalStore store, LocalDocument d, Consumer<Revision> each) {
    long head = d.head();
    CompletableFuture<List<Revision>> next = store.revisions(d.id(), 1, Math.min(head, PAGE));
    for (long from = 1; from <= head; from += PAGE) {
      List<Revision> page = ProfileCommand.await(next);
      long nextFrom = from + PAGE;
      next =
          nextFrom <= head
              ? store.revisions(d.id(), nextFrom, Math.min(head, nextFrom + PAGE - 1))
              : null;
      page.forEach(each);
    }
  }

  /** Writes to a temporary file beside {@code target}, then moves it in place. */
  static void writeAtomically(Path target, Consumer<OutputStream> write) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
      try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        write.accept(stream);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | UncheckedIOException e) {
      throw new CliException(ExitCodes.USAGE, target + ": cannot write: " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // the move took it, or it stays as a .part file the user can delete
        }
      }
    }
  }
}
