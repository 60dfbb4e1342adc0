package dev.quire.editor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.editor.history.HistoryFormat;
import dev.quire.editor.history.HistoryRecord;
import dev.quire.editor.history.HistoryVerifier;
import dev.quire.editor.history.Signatures;
import dev.quire.editor.store.LocalStore;
import dev.quire.ot.codec.CanonicalJson;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code quire countersign FILE}: adds this profile's signature to every checkpoint of a history
 * file that verifies, so that the author's device vouches for a history exported elsewhere.
 */
@Command(
    name = "countersign",
    mixinStandardHelpOptions = true,
    description = {
      "Verifies the history file FILE (as 'quire verify' does) and, when it verifies, adds a"
          + " signature by this profile's own device key (made on first use and kept in the"
          + " profile) to every checkpoint and the end. FILE is rewritten in place, atomically;"
          + " nothing else in it changes. A file that does not verify is left as it was."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:countersigned (or signed by this key already)",
      "1:the file does not verify (stderr says where); nothing was signed",
      "2:the file could not be read or written",
      "3:the profile could not be opened"
    })
final class CountersignCommand extends ProfileCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A checkpoint's or the end's type member (a string's quotes inside a value are escaped). */
  private static final Pattern CHECK = Pattern.compile("\"type\"\\s*:\\s*\"(checkpoint|end)\"");

  @Parameters(paramLabel = "FILE", description = "the history file")
  Path file;

  @Override
  int run(LocalStore store, PrintWriter out) {
    PrintWriter err = spec.commandLine().getErr();
    HistoryVerifier.Result r;
    try (InputStream in = Files.newInputStream(file)) {
      r = new HistoryVerifier(Set.of()).verify(in, new HistoryVerifier.Listener() {});
    } catch (IOException | UncheckedIOException e) {
      throw new CliException(ExitCodes.USAGE, file + ": cannot read: " + e.getMessage());
    }
    if (!r.ok()) {
      err.println("quire countersign: " + file + ": " + r.problem().getMessage());
      err.println("quire countersign: nothing was signed");
      return VerifyCommand.BAD;
    }
    Signatures.Signer signer = Signatures.Signer.of(await(store.deviceKey()));
    int signed = rewrite(signer);
    out.println(
        "countersigned "
            + signed
            + " checkpoint(s) of revisions 1.."
            + r.head()
            + " with "
            + Signatures.fingerprint(signer.publicKey()));
    return ExitCodes.OK;
  }

  /** Writes FILE again beside itself with the signatures added, then moves it in place. */
  private int rewrite(Signatures.Signer signer) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    int signed = 0;
    try {
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
          BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          String signedLine = CHECK.matcher(line).find() ? sign(line, signer) : null;
          signed += signedLine != null ? 1 : 0;
          w.write(signedLine != null ? signedLine : line);
          w.write('\n');
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return signed;
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, file + ": cannot write: " + e.getMessage());
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

  /**
   * {@code line} with a signature by {@code signer} added, when it is a checkpoint or the end not
   * signed by that key yet; null otherwise. Verified before, so each such record is well formed.
   */
  private static String sign(String line, Signatures.Signer signer) throws JsonProcessingException {
    ObjectNode o = (ObjectNode) JSON.readTree(line);
    String type = o.path("type").asText();
    if (!type.equals("checkpoint") && !type.equals("end")) {
      return null;
    }
    ArrayNode sigs =
        o.has("signatures") ? (ArrayNode) o.get("signatures") : o.putArray("signatures");
    for (var s : sigs) {
      if (s.path("key").asText().equals(signer.publicKey())) {
        return null;
      }
    }
    HistoryRecord.Signature s = signer.sign(o.get("hash").asText());
    sigs.addObject().put("key", s.key()).put("signature", s.signature());
    StringBuilder b = new StringBuilder(line.length() + 200);
    CanonicalJson.append(b, o);
    if (b.length() > HistoryFormat.MAX_RECORD_BYTES) {
      throw new CliException(ExitCodes.USAGE, "a checkpoint would exceed the record limit");
    }
    return b.toString();
  }
}
