package dev.quire.editor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's relay: a relay process on loopback with a throw-away data directory. Users are added
 * through the running relay's admin endpoint (docs/relay.md: the port and secret it writes to
 * {@code admin-endpoint}), the way {@code quire relay user add} hands its command over, without
 * starting a JVM per user.
 */
final class DemoRelay implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path data;
  private final int port;
  private final ClassArchive archive;

  private DemoRelay(Process process, Path data, int port, ClassArchive archive) {
    this.process = process;
    this.data = data;
    this.port = port;
    this.archive = archive;
  }

  /**
   * Class-data sharing for the relay process, as the launcher does for the editor
   * (docs/performance.md): the first demo records the classes the relay loads into an archive
   * beside its jar as it stops; later ones map them instead of loading and verifying each class.
   */
  private record ClassArchive(Path archive, Path recording) {
    static ClassArchive beside(Path jar) {
      String runtime = System.getProperty("java.home") + System.getProperty("java.vm.version");
      String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
      Path archive =
          jar.resolveSibling(name + "-demo-" + Integer.toHexString(runtime.hashCode()) + ".jsa");
      Path recording =
          jar.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid());
      return new ClassArchive(archive, recording);
    }

    /** The JVM option that uses the archive, or records one when there is none yet. */
    String option(Path jar) {
      if (!Files.isDirectory(jar.resolveSibling("lib"))) {
        // Not the built layout (jar + lib/): its class path may hold directories, which a dynamic
        // archive refuses (the JVM would not start).
        return "-Xshare:auto";
      }
      try {
        if (Files.isRegularFile(archive)
            && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
          return "-XX:SharedArchiveFile=" + archive;
        }
      } catch (IOException e) {
        // unreadable: record a new one
      }
      return Files.isWritable(jar.getParent())
          ? "-XX:ArchiveClassesAtExit=" + recording
          : "-Xshare:auto";
    }

    /** After the relay stopped: keeps what it recorded, if anything. */
    void keepRecording() {
      try {
        if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
          Files.move(recording, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(recording);
      } catch (IOException e) {
        // no archive: the next demo records again
      }
    }
  }

  /** Starts a relay on {@code data} and waits until it listens. */
  static DemoRelay start(Path data) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A demo relay carries two people's typing: the quick compiler and a small heap are plenty,
    // and leave the CPU to the windows while everything starts.
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    Path jar = DemoCommand.relayJar();
    ClassArchive archive = ClassArchive.beside(jar);
    cmd.addAll(List.of(archive.option(jar), "-Xlog:disable", "-Xlog:all=off"));
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(List.of("--port", "0", "--metrics-port", "-1", "--data", data.toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
    try {
      return new DemoRelay(p, data, portOf(p), archive);
    } catch (IOException | RuntimeException e) {
      p.destroy();
      throw e;
    }
  }

  String url() {
    return "ws://127.0.0.1:" + port;
  }

  /** Adds a user and returns their token. */
  String addUser(String name) throws IOException {
    String[] portAndSecret =
        Files.readString(data.resolve("admin-endpoint"), StandardCharsets.UTF_8).trim().split(" ");
    if (portAndSecret.length != 2) {
      throw new CliException(
          ExitCodes.FAILED, "the demo relay's admin endpoint file is unreadable");
    }
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + portAndSecret[0] + "/admin").toURL().openConnection();
    c.setConnectTimeout(5_000);
    c.setReadTimeout(30_000);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Authorization", "Bearer " + portAndSecret[1]);
    c.setRequestProperty("Content-Type", "application/json");
    try (OutputStream o = c.getOutputStream()) {
      o.write(JSON.writeValueAsBytes(List.of("user", "add", name)));
    }
    JsonNode reply;
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      reply = JSON.readTree(in);
    }
    String token = reply.path("out").asText().strip();
    if (reply.path("exit").asInt(1) != 0 || token.isEmpty() || token.contains("\n")) {
      throw new CliException(
          ExitCodes.FAILED,
          "could not add the demo user " + name + ": " + reply.path("err").asText().strip());
    }
    return token;
  }

  /** Stops the relay (SIGTERM: it finishes its commits and closes H2). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (process.waitFor(10, TimeUnit.SECONDS)) {
      archive.keepRecording();
    }
  }

  /** Reads the relay's first line, {@code listening on HOST:PORT}. */
  private static int portOf(Process relay) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        // Keep draining its output so the relay never blocks writing to a full pipe.
        Thread drain = new Thread(() -> in.lines().forEach(l -> {}), "quire-demo-relay-out");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new CliException(ExitCodes.FAILED, "the relay stopped before it listened");
  }
}
