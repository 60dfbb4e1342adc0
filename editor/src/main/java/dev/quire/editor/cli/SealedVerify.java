package dev.quire.editor.cli;

import dev.quire.editor.history.HistoryFileException;
import dev.quire.editor.history.HistoryFormat;
import dev.quire.editor.history.SealedHistoryVerifier;
import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code quire verify} of an encrypted document's ciphertext chain: without a key, the chain, the
 * devices' and the relay's signatures; with {@code --decrypt}, also every batch decrypted with the
 * profile's keys and replayed, the text at the end compared with the profile's copy.
 */
final class SealedVerify {
  private final Path file;
  private final boolean decrypt;
  private final ProfileOption profile;
  private final PrintWriter out;
  private final PrintWriter err;

  SealedVerify(
      Path file, boolean decrypt, ProfileOption profile, PrintWriter out, PrintWriter err) {
    this.file = file;
    this.decrypt = decrypt;
    this.profile = profile;
    this.out = out;
    this.err = err;
  }

  int run() {
    if (!decrypt) {
      return check(null, null);
    }
    try (LocalStore store = profile.open()) {
      return check(store, documentOf());
    } catch (CliException e) {
      err.println("quire verify: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** The document the header names (read before the keys can be looked up). */
  private String documentOf() {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(1 << 20);
      int nl = 0;
      while (nl < head.length && head[nl] != '\n') {
        nl++;
      }
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(head, 0, nl)
          .path("document")
          .asText();
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, file + ": cannot read: " + e.getMessage());
    }
  }

  private int check(LocalStore store, String doc) {
    SealedHistoryVerifier.Keys keys = null;
    if (store != null) {
      Map<Long, byte[]> byEpoch = new HashMap<>();
      for (LocalStore.DocumentKeyRow k : ProfileCommand.await(store.keyring()).keys()) {
        if (k.doc().equals(doc)) {
          byEpoch.put(k.epoch(), Base64.getDecoder().decode(k.key()));
        }
      }
      if (byEpoch.isEmpty()) {
        err.println(
            "quire verify: "
                + file
                + ": the profile "
                + profile.dir()
                + " holds no key of document "
                + doc);
        return ExitCodes.USAGE;
      }
      keys = epoch -> Optional.ofNullable(byEpoch.get(epoch));
    }
    SealedHistoryVerifier.Result r;
    Progress.Meter meter = new Progress.Meter();
    try (Progress shown = Progress.start(err, meter::step);
        InputStream in = new VerifyCommand.Metered(Files.newInputStream(file), meter)) {
      meter.phase(
          "verify " + file.getFileName() + (keys == null ? ": checking" : ": checking, decrypting"),
          Files.size(file),
          "bytes");
      r = new SealedHistoryVerifier(keys).verify(in);
    } catch (HistoryFileException e) {
      err.println("quire verify: " + file + ": " + e.getMessage());
      return VerifyCommand.BAD;
    } catch (IOException | UncheckedIOException e) {
      err.println("quire verify: " + file + ": cannot read: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    out.println(
        "verified: ciphertext chain of encrypted document "
            + r.document()
            + " \""
            + r.title()
            + "\", revisions 1.."
            + r.head()
            + ", "
            + r.batches()
            + " batch(es) signed by "
            + r.devices()
            + " device(s)");
    if (r.relaySignatures() > 0) {
      out.println(
          VerifyCommand.relayCoverage(
              dev.quire.ot.history.Ed25519.fingerprint(r.relayKey()),
              r.relaySignedUpTo(),
              r.relaySignatures(),
              r.head()));
    } else {
      out.println("no relay signature is in the file");
    }
    if (r.text() == null) {
      return ExitCodes.OK;
    }
    return compare(store, r);
  }

  /** The decrypted text at the head against the profile's copy at that revision. */
  private int compare(LocalStore store, SealedHistoryVerifier.Result r) {
    String hash = HistoryFormat.sha256(r.text());
    Optional<LocalDocument> d = ProfileCommand.await(store.document(r.document()));
    if (d.isEmpty() || d.get().head() < r.head()) {
      out.println(
          "decrypted and replayed: text at revision "
              + r.head()
              + " has SHA-256 "
              + hash
              + " (the profile has no copy at that revision to compare with)");
      return ExitCodes.OK;
    }
    String mine = ProfileCommand.await(store.textAt(r.document(), r.head()));
    if (!mine.equals(r.text())) {
      err.println(
          "quire verify: "
              + file
              + ": decrypted and replayed, the text at revision "
              + r.head()
              + " differs from this profile's copy (SHA-256 "
              + hash
              + " against "
              + HistoryFormat.sha256(mine)
              + ")");
      return VerifyCommand.BAD;
    }
    out.println(
        "decrypted and replayed: text at revision "
            + r.head()
            + " matches this profile's copy (SHA-256 "
            + hash
            + ")");
    return ExitCodes.OK;
  }
}
