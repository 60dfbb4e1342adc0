package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a command on an existing profile spends its start on: it loads neither Flyway (the schema is
 * checked with one query) nor logback's XML configuration.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliStartupTest {
  @TempDir Path dir;

  /**
   * Runs {@code quire ARGS} in a new JVM with the main class path; returns the classes it loaded.
   */
  private String run(String... args) throws Exception {
    String mainClassPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !e.endsWith("test-classes")) // no logback-test.xml: as the jar runs
            .collect(Collectors.joining(File.pathSeparator));
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + dir.resolve("classes.log"),
                "-cp",
                mainClassPath,
                QuireCli.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return Files.readString(dir.resolve("classes.log"));
  }

  @Test
  void anUpToDateProfile_opensWithoutFlywayOrXmlLogConfiguration() throws Exception {
    Path file = dir.resolve("a.txt");
    Files.writeString(file, "text");
    String profile = dir.resolve("profile").toString();
    // A new profile is created by Flyway's migrations.
    assertThat(run("import", "--profile", profile, file.toString(), "--id", "a"))
        .contains("org.flywaydb.core.Flyway ");
    String classes = run("docs", "--profile", profile);
    assertThat(classes).contains("dev.quire.editor.store.ProfileDatabase ");
    assertThat(classes)
        .doesNotContain("org.flywaydb")
        .doesNotContain("ch.qos.logback.core.joran.event.SaxEventRecorder") // no XML is read
        .doesNotContain("com.sun.org.apache.xerces");
  }
}
