package dev.quire.relay.faults;

import dev.quire.relay.RelayMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay as a separate JVM ({@code RelayMain}, the test class path) on a free loopback port,
 * with its data in a directory that outlives it: it can be killed with SIGKILL and started again on
 * the same data.
 */
public final class RelayProcess implements AutoCloseable {
  static final Pattern METRICS = Pattern.compile("metrics on 127\\.0\\.0\\.1:(\\d+)");
  static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private final Path data;
  private final Path log;
  private final List<String> extraArgs;
  private Process process;
  private volatile int port = -1;
  private int starts;
  private volatile int metricsPort = -1;

  private RelayProcess(Path data, Path log, List<String> extraArgs) {
    this.data = data;
    this.log = log;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts a relay on {@code data}; its standard error goes to {@code log} (appended). */
  public static RelayProcess start(Path data, Path log, String... extraArgs) throws IOException {
    RelayProcess p = new RelayProcess(data, log, List.of(extraArgs));
    p.startProcess();
    return p;
  }

  private void startProcess() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    // Extra JVM options for the relay (profiling, for example): -Dquire.relay.jvmArgs="-XX:..."
    String jvmArgs = System.getProperty("quire.relay.jvmArgs", "").trim();
    if (!jvmArgs.isEmpty()) {
      cmd.addAll(List.of(jvmArgs.split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RelayMain.class.getName());
    cmd.addAll(
        List.of(
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--metrics-port",
            "0",
            "--data",
            data.toString()));
    cmd.addAll(extraArgs);
    ProcessBuilder builder = new ProcessBuilder(cmd);
    builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
    starts++;
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // The JVM may print first (a flight recording started by quire.relay.jvmArgs, say).
    String first = null;
    Matcher m = null;
    for (int lines = 0; lines < 20; lines++) {
      String line = out.readLine();
      if (line == null) {
        break;
      }
      first = first == null ? line : first;
      Matcher candidate = LISTENING.matcher(line);
      if (candidate.find()) {
        m = candidate;
        break;
      }
    }
    if (m == null) {
      process.destroyForcibly();
      throw new IOException(
          "relay did not say where it listens (first line: " + first + "), see " + log);
    }
    port = Integer.parseInt(m.group(1));
    Matcher mm = METRICS.matcher(String.valueOf(out.readLine()));
    metricsPort = mm.find() ? Integer.parseInt(mm.group(1)) : -1;
    Thread drain =
        new Thread(
            () -> {
              try {
                while (out.readLine() != null) {
                  // keep the pipe empty
                }
              } catch (IOException e) {
                // gone
              }
            },
            "relay-stdout-" + starts);
    drain.setDaemon(true);
    drain.start();
  }

  /** The port of the running relay, or -1 while it is down. */
  public int port() {
    return port;
  }

  /**
   * The value of a counter or gauge on the running relay's {@code /metrics} (summed over labels),
   * or -1 when it cannot be read.
   */
  public double metric(String name) {
    try {
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      double sum = 0;
      boolean found = false;
      for (String line : r.body().split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? sum : 0;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  public void kill() throws InterruptedException {
    port = -1;
    process.destroyForcibly(); // SIGKILL on Linux
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("relay " + process.pid() + " survived SIGKILL");
    }
  }

  /** Starts it again on the same data directory (a new free port). */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("relay still running");
    }
    startProcess();
  }

  /** SIGTERM, and waits for the clean stop; returns the exit code. */
  public int stop() throws InterruptedException {
    port = -1;
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("relay did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
