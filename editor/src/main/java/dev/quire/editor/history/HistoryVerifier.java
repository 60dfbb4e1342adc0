package dev.quire.editor.history;

import dev.quire.editor.history.HistoryRecord.Header;
import dev.quire.editor.history.HistoryRecord.RelayRecord;
import dev.quire.editor.history.HistoryRecord.RevisionRecord;
import dev.quire.editor.history.HistoryRecord.Signature;
import dev.quire.editor.history.HistoryRecord.TextCheck;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.text.GapBuffer;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a history file as it streams by: the hash of every record, the chain of {@code prev}
 * hashes, the revision numbers, every operation replayed on the text, the text's hash at each
 * checkpoint and at the end, and the signatures. Stops at the first problem and names the first
 * revision that cannot be trusted; holds one record and the document's text, never the history.
 */
public final class HistoryVerifier {
  private final Set<String> trustedKeys;

  /** What a caller sees as the file is checked (an import takes the history from here). */
  public interface Listener {
    default void header(Header h) {}

    /** A revision whose record is intact and whose operation applied, giving {@code text}. */
    default void revision(RevisionRecord r, GapBuffer text) {}

    /** Every revision up to {@code revision} is verified: {@code text} matched its hash. */
    default void verified(long revision, GapBuffer text) {}
  }

  /**
   * What verification found.
   *
   * @param header the header, or null when the file had none
   * @param head the last revision read
   * @param verifiedUpTo every revision up to this one matched a checkpoint or the end
   * @param checkpoints how many checkpoints (and the end) matched
   * @param signers the keys (fingerprints) whose signatures verified
   * @param relaySignedUpTo the last revision a relay signature covered and verified (0: none)
   * @param relaySignatures how many relay signatures verified
   * @param problem the first problem, or null when the whole file verified
   */
  public record Result(
      Header header,
      long head,
      long verifiedUpTo,
      int checkpoints,
      List<String> signers,
      long relaySignedUpTo,
      int relaySignatures,
      HistoryFileException problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  /**
   * @param trustedKeys public keys (X.509 DER, base64) whose signatures are required, or none
   */
  public HistoryVerifier(Set<String> trustedKeys) {
    this.trustedKeys = Set.copyOf(trustedKeys);
  }

  public Result verify(InputStream in, Listener listener) {
    Run run = new Run(Objects.requireNonNull(listener, "listener == null"));
    try (HistoryReader reader = new HistoryReader(in)) {
      run.all(reader);
    } catch (HistoryFileException e) {
      run.problem =
          e.revision() >= 0 || run.header == null
              ? e
              : new HistoryFileException(
                  e.line(),
                  run.head + 1,
                  e.getMessage() + " (first bad revision: " + (run.head + 1) + ")");
    }
    return new Result(
        run.header,
        run.head,
        run.verifiedUpTo,
        run.checkpoints,
        List.copyOf(run.signers),
        run.relaySignedUpTo,
        run.relaySignatures,
        run.problem);
  }

  /** The state of one verification. */
  private final class Run {
    final Listener listener;
    final GapBuffer text = new GapBuffer("");
    final Set<String> signers = new LinkedHashSet<>();
    Header header;
    String lastHash;
    long head;
    long verifiedUpTo;
    long checkedAt = -1;
    int checkpoints;
    String relayChain; // the relay's chain over the revisions so far, when the header names a key
    long relaySignedUpTo;
    int relaySignatures;
    boolean ended;
    HistoryFileException problem;

    Run(Listener listener) {
      this.listener = listener;
    }

    void all(HistoryReader reader) {
      for (HistoryReader.Entry e = reader.next(); e != null; e = reader.next()) {
        if (ended) {
          throw bad(e, head + 1, "comes after the end record: it was added");
        }
        if (header == null) {
          if (!(e.record() instanceof Header h)) {
            throw bad(e, -1, "is not a header: a history file starts with one");
          }
          intact(e, 0);
          header = h;
          relayChain = h.relayKey() != null ? HistoryChain.GENESIS : null;
          listener.header(h);
        } else if (e.record() instanceof RelayRecord r) {
          relay(e, r);
          continue; // outside the chain: the next record chains to the one before
        } else if (e.record() instanceof RevisionRecord r) {
          revision(e, r);
        } else if (e.record() instanceof TextCheck c) {
          textCheck(e, c);
        } else {
          throw bad(e, head + 1, "is a second header");
        }
        lastHash = e.hash();
      }
      if (header == null) {
        throw new HistoryFileException(0, -1, "the file is empty: no header");
      }
      if (!ended) {
        throw new HistoryFileException(
            reader.line(),
            head + 1,
            "the file ends after revision "
                + head
                + " without its end record: it was truncated, or records were removed");
      }
    }

    void revision(HistoryReader.Entry e, RevisionRecord r) {
      if (r.revision() != head + 1) {
        throw bad(
            e,
            head + 1,
            r.revision() <= head
                ? "holds revision "
                    + r.revision()
                    + " again after revision "
                    + head
                    + ": records were added or reordered"
                : "holds revision "
                    + r.revision()
                    + " where revision "
                    + (head + 1)
                    + " belongs: revision "
                    + (head + 1)
                    + " was removed, or records reordered");
      }
      if (head > 0 && head % header.checkpointEvery() == 0 && checkedAt != head) {
        throw bad(e, head, "follows revision " + head + ", whose checkpoint is missing: removed");
      }
      intact(e, r.revision());
      if (r.operation().baseLength() != text.length()) {
        throw bad(
            e,
            r.revision(),
            "does not apply: its operation is for a text of "
                + r.operation().baseLength()
                + " characters, the text at revision "
                + head
                + " has "
                + text.length());
      }
      text.apply(r.operation());
      head = r.revision();
      if (relayChain != null) {
        relayChain = HistoryChain.next(relayChain, r.chained());
      }
      listener.revision(r, text);
    }

    /**
     * The relay's signature of the history so far: by the relay key the header names, over the
     * relay's chain and the text as this file gives them.
     */
    void relay(HistoryReader.Entry e, RelayRecord r) {
      long from = relaySignedUpTo + 1;
      if (r.revision() != head) {
        throw bad(
            e,
            head + 1,
            "comes after revision " + head + ": records were removed, added or reordered");
      }
      if (header.relayKey() == null || !header.relayKey().equals(r.key())) {
        throw bad(
            e,
            from,
            "is signed by "
                + Signatures.fingerprint(r.key())
                + ", not by the relay key the header names ("
                + (header.relayKey() == null ? "none" : Signatures.fingerprint(header.relayKey()))
                + "): an unknown key");
      }
      if (!relayChain.equals(r.chain())) {
        throw bad(
            e,
            from,
            "says the relay's chain at revision "
                + head
                + " is "
                + r.chain()
                + ", but the revisions give "
                + relayChain
                + ": a revision from "
                + from
                + " to "
                + head
                + " is not as the relay sequenced it");
      }
      String actual = HistoryFormat.sha256(text.toString());
      if (!actual.equals(r.textHash())) {
        throw bad(
            e,
            from,
            "says the relay's text at revision "
                + head
                + " hashes to "
                + r.textHash()
                + ", but replaying the history gives "
                + actual);
      }
      if (!Ed25519.verify(
          r.key(),
          HistoryChain.relayStatement(r.document(), r.revision(), r.chain(), r.textHash()),
          r.signature())) {
        throw bad(
            e,
            from,
            "has a relay signature that does not verify with the relay key "
                + Signatures.fingerprint(r.key())
                + ": the record or its signature was changed (a wrong key or signature)");
      }
      relaySignedUpTo = head;
      relaySignatures++;
    }

    void textCheck(HistoryReader.Entry e, TextCheck c) {
      String what = c.end() ? "end record" : "checkpoint";
      if (c.revision() != head || checkedAt == head && !c.end()) {
        throw bad(
            e,
            head + 1,
            "is a " + what + " for revision " + c.revision() + " after revision " + head);
      }
      if (!c.end() && (head == 0 || head % header.checkpointEvery() != 0)) {
        throw bad(
            e,
            head + 1,
            "is a checkpoint at revision "
                + head
                + ", not a multiple of "
                + header.checkpointEvery()
                + ": it was added");
      }
      intact(e, verifiedUpTo + 1);
      String actual = HistoryFormat.sha256(text.toString());
      if (!actual.equals(c.textHash()) || text.length() != c.length()) {
        throw bad(
            e,
            verifiedUpTo + 1,
            "says the text at revision "
                + head
                + " hashes to "
                + c.textHash()
                + ", but replaying the history gives "
                + actual
                + ": a revision from "
                + (verifiedUpTo + 1)
                + " to "
                + head
                + " was changed");
      }
      signatures(e, c);
      checkedAt = head;
      verifiedUpTo = head;
      checkpoints++;
      ended = c.end();
      listener.verified(head, text);
    }

    void signatures(HistoryReader.Entry e, TextCheck c) {
      boolean trusted = false;
      for (Signature s : c.signatures()) {
        if (!Signatures.verify(s, e.hash())) {
          throw bad(
              e,
              verifiedUpTo + 1,
              "has a signature by "
                  + Signatures.fingerprint(s.key())
                  + " that does not verify: the record or its signature was changed");
        }
        if (!trustedKeys.isEmpty() && !trustedKeys.contains(s.key())) {
          throw bad(
              e,
              verifiedUpTo + 1,
              "is signed by "
                  + Signatures.fingerprint(s.key())
                  + ", which is not one of the trusted keys (--trust)");
        }
        trusted = true;
        signers.add(Signatures.fingerprint(s.key()));
      }
      if (c.end() && !trustedKeys.isEmpty() && !trusted) {
        throw bad(e, verifiedUpTo + 1, "has no signature by a trusted key (--trust)");
      }
    }

    /**
     * The record's own hash and its link to the record before. A broken link means the record
     * before is not the one this record was chained to: that one is the first bad revision (or the
     * revision after it, when it was a checkpoint, whose text had matched).
     */
    void intact(HistoryReader.Entry e, long revision) {
      if (!e.hash().equals(e.computed())) {
        throw bad(e, revision, "does not match its hash: it was changed");
      }
      if (!Objects.equals(e.prev(), lastHash)) {
        throw bad(
            e,
            lastHash == null ? -1 : head == 0 || checkedAt == head ? head + 1 : head,
            lastHash == null
                ? "must not have a 'prev'"
                : "is not chained to the record before it ('prev' is not that record's hash):"
                    + " a record was changed, removed, added or reordered");
      }
    }

    HistoryFileException bad(HistoryReader.Entry e, long revision, String what) {
      String name =
          e.record() instanceof RevisionRecord r
              ? "the record of revision " + r.revision()
              : e.record() instanceof RelayRecord rr
                  ? "the relay signature of revision " + rr.revision()
                  : e.record() instanceof TextCheck c
                      ? (c.end() ? "the end record" : "the checkpoint of revision " + c.revision())
                      : "the header";
      return new HistoryFileException(
          e.line(),
          revision,
          "line "
              + e.line()
              + ": "
              + name
              + " "
              + what
              + (revision > 0 ? " (first bad revision: " + revision + ")" : ""));
    }
  }
}
