package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QuireCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void helpExitsZeroAndPrintsUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: quire").contains("--version");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void versionExitsZero() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("quire ");
  }

  @Test
  void noSubcommandPrintsUsageToStderrAndExitsTwo() {
    assertThat(run()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).startsWith("Usage: quire");
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    assertThat(run("no-such-command")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("no-such-command");
  }

  /** Without a display, edit and demo say so, exit 1, and make nothing (not even a profile). */
  @Test
  void withoutADisplayTheWindowCommandsRefuseBeforeTouchingTheProfile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path profile = dir.resolve("profile");
    for (String command : new String[] {"edit", "demo"}) {
      Process p =
          new ProcessBuilder(
                  java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Djava.awt.headless=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  QuireCli.class.getName(),
                  command,
                  "edit".equals(command) ? "--profile=" + profile : "--theme=light")
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(output).isEqualTo(1);
      assertThat(output).contains("quire " + command + ": no display");
    }
    assertThat(profile).doesNotExist();
  }
}
