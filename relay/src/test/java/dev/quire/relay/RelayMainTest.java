package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RelayMainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = RelayMain.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void helpExitsZeroAndDescribesTheRelay() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: quire relay").contains("--version");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void placeholderSaysNotImplementedAndExitsTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("quire relay: not implemented yet");
  }
}
