package dev.quire.relay;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The other side of {@link AdminEndpoint}: when a relay runs on a data directory, hands an admin
 * command's arguments to it and prints what it answers.
 */
final class AdminClient {
  private AdminClient() {}

  /**
   * Runs {@code args} through the relay running on {@code dataDir}, printing its output.
   *
   * @return the command's exit code, or empty when no relay runs there (no endpoint file, or a
   *     stale one left by a relay that was killed)
   */
  static Optional<Integer> forward(
      Path dataDir, List<String> args, PrintWriter out, PrintWriter err) {
    String[] portAndSecret;
    try {
      portAndSecret =
          Files.readString(dataDir.resolve(AdminEndpoint.FILE), StandardCharsets.UTF_8)
              .trim()
              .split(" ");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      err.println("quire relay: cannot read " + dataDir.resolve(AdminEndpoint.FILE) + ": " + e);
      return Optional.of(1);
    }
    if (portAndSecret.length != 2) {
      return Optional.empty();
    }
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + portAndSecret[0] + "/admin")
                  .toURL()
                  .openConnection();
      c.setConnectTimeout(5_000);
      c.setReadTimeout(3_600_000); // a backup of a large database takes minutes
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Authorization", "Bearer " + portAndSecret[1]);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream o = c.getOutputStream()) {
        o.write(AdminEndpoint.JSON.writeValueAsBytes(args));
      }
      int status = c.getResponseCode();
      JsonNode reply;
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        reply = AdminEndpoint.JSON.readTree(in);
      }
      out.print(reply.path("out").asText());
      err.print(reply.path("err").asText());
      out.flush();
      err.flush();
      return Optional.of(reply.path("exit").asInt(1));
    } catch (ConnectException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      err.println(
          "quire relay: the relay running on "
              + dataDir
              + " did not answer the admin command: "
              + e.getMessage());
      return Optional.of(1);
    }
  }
}
