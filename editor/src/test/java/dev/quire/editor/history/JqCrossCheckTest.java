package dev.quire.editor.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another implementation agrees on every record's hash: jq's sorted compact output is the record's
 * RFC 8785 form (docs/history-format.md gives this recipe). Skipped when jq is not installed.
 */
class JqCrossCheckTest {
  @TempDir Path dir;

  @Test
  void jqRecomputesEveryHash() throws Exception {
    Path jq = null;
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, "jq"))) {
        jq = Path.of(d, "jq");
      }
    }
    Assumptions.assumeTrue(jq != null, "jq is not installed");
    String file =
        HistoryFixtures.write(HistoryFixtures.revisions(30), 10, Signatures.Signer.generate());
    int checked = 0;
    for (String line : file.split("\n")) {
      Path one = Files.writeString(dir.resolve("line.json"), line, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(
                  List.of(jq.toString(), "-cSj", "del(.hash, .signatures)", one.toString()))
              .redirectErrorStream(true)
              .start();
      byte[] canonical = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      String hash =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
      assertThat(line).contains("\"hash\":\"" + hash + "\"");
      checked++;
    }
    assertThat(checked).isEqualTo(1 + 30 + 3 + 1);
  }
}
