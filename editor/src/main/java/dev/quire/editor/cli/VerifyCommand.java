package dev.quire.editor.cli;

import dev.quire.editor.history.HistoryVerifier;
import dev.quire.editor.history.SealedHistoryVerifier;
import dev.quire.editor.history.Signatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quire verify FILE}: checks a history file without trusting whoever wrote it. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a history file (docs/history-format.md): every record's hash and the chain between"
          + " them, the revision numbers, every operation replayed from the empty text, the text's"
          + " hash at each checkpoint and at the end, the checkpoints' signatures, and the relay's"
          + " signatures (which revisions the relay's key vouches for).",
      "Says which revision is the first bad one when something was changed, removed, reordered or"
          + " added. Reads the file once, a record at a time, and changes nothing."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the file verified",
      "1:the file does not verify (the message names the record and the first bad revision)",
      "2:the file or a key could not be read"
    })
final class VerifyCommand implements Callable<Integer> {
  /** The file as read, counted on {@code meter}: how far the check is. */
  static final class Metered extends java.io.FilterInputStream {
    private final Progress.Meter meter;
    private long read;

    Metered(InputStream in, Progress.Meter meter) {
      super(in);
      this.meter = meter;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        meter.set(++read);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        read += n;
        meter.set(read);
      }
      return n;
    }
  }

  static final int BAD = 1;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the history file")
  Path file;

  @Option(
      names = "--trust",
      paramLabel = "KEY",
      description =
          "a public key (PEM) to require: every signature must be by a trusted key and the end"
              + " record must carry one (repeatable)")
  List<Path> trust = List.of();

  @Option(
      names = "--decrypt",
      description =
          "for an encrypted document's ciphertext chain: also decrypt every batch with the"
              + " document's keys from the profile, replay it, and compare the text at the end"
              + " with the profile's copy")
  boolean decrypt;

  @Mixin ProfileOption profileOption;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean sealed;
    try (InputStream in = Files.newInputStream(file)) {
      sealed = SealedHistoryVerifier.isSealed(in);
    } catch (IOException e) {
      err.println("quire verify: " + file + ": cannot read: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (sealed) {
      return new SealedVerify(file, decrypt, profileOption, out, err).run();
    }
    if (decrypt) {
      err.println(
          "quire verify: "
              + file
              + ": --decrypt goes with an encrypted document's ciphertext chain");
      return ExitCodes.USAGE;
    }
    Set<String> keys = new HashSet<>();
    try {
      for (Path k : trust) {
        keys.add(Signatures.readPublicKey(k));
      }
    } catch (IllegalArgumentException e) {
      err.println("quire verify: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    HistoryVerifier.Result r;
    Progress.Meter meter = new Progress.Meter();
    try (Progress shown = Progress.start(err, meter::step);
        InputStream in = new Metered(Files.newInputStream(file), meter)) {
      meter.phase("verify " + file.getFileName() + ": checking", Files.size(file), "bytes");
      r = new HistoryVerifier(keys).verify(in, new HistoryVerifier.Listener() {});
    } catch (IOException | UncheckedIOException e) {
      err.println("quire verify: " + file + ": cannot read: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (!r.ok()) {
      err.println("quire verify: " + file + ": " + r.problem().getMessage());
      if (r.verifiedUpTo() > 0) {
        err.println(
            "quire verify: revisions 1.."
                + r.verifiedUpTo()
                + " verified (up to the last checkpoint that matched)");
      }
      return BAD;
    }
    out.println(
        "verified: document "
            + r.header().document()
            + " \""
            + r.header().title()
            + "\", revisions 1.."
            + r.head()
            + ", "
            + r.checkpoints()
            + " text hash(es) matched, "
            + (r.signers().isEmpty() ? "unsigned" : "signed by " + String.join(", ", r.signers())));
    if (r.relaySignatures() > 0) {
      out.println(
          relayCoverage(
              Signatures.fingerprint(r.header().relayKey()),
              r.relaySignedUpTo(),
              r.relaySignatures(),
              r.head()));
    } else if (r.header().relayKey() != null) {
      out.println(
          "the header names the relay key "
              + Signatures.fingerprint(r.header().relayKey())
              + ", but no relay signature is in the file");
    }
    return ExitCodes.OK;
  }

  /** What the relay's signatures in a history file cover, as verify prints it. */
  static String relayCoverage(String keyFingerprint, long signedUpTo, long signatures, long head) {
    return "sequenced by the relay with key "
        + keyFingerprint
        + ": revisions 1.."
        + signedUpTo
        + " signed ("
        + signatures
        + " relay signature(s) verified)"
        + (signedUpTo < head
            ? "; revisions "
                + (signedUpTo + 1)
                + ".."
                + head
                + " are not covered by a relay signature"
            : "");
  }
}
