package dev.quire.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quire.relay.store.RelayStorage;
import dev.quire.relay.store.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The running relay's door for {@code ./quire relay user ...}, {@code grant} and {@code backup}:
 * the relay holds its database exclusively, so these commands, started in another process, send
 * their arguments here and the relay runs them on its own store. It listens on loopback only, on a
 * free port, and answers only requests carrying the secret it writes, readable by its owner alone,
 * into the data directory (docs/adr/0009-relay-admin-endpoint.md).
 */
final class AdminEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminEndpoint.class);

  /** The file in the data directory holding "PORT SECRET" while the relay runs. */
  static final String FILE = "admin-endpoint";

  static final ObjectMapper JSON = new ObjectMapper();

  /** What a request answers: the command's exit code and what it printed. */
  record Reply(int exit, String out, String err) {}

  private final HttpServer server;
  private final Path file;

  private AdminEndpoint(HttpServer server, Path file) {
    this.server = server;
    this.file = file;
  }

  /** Starts listening for {@code store}'s data directory and writes its file there. */
  static AdminEndpoint start(RelayStorage store, Path dataDir) throws IOException {
    String secret = Tokens.generate();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/admin", exchange -> handle(exchange, secret, store));
    server.start();
    Path file = dataDir.resolve(FILE);
    try {
      writeOwnerOnly(file, server.getAddress().getPort() + " " + secret + "\n");
    } catch (IOException | RuntimeException e) {
      server.stop(0);
      throw e;
    }
    return new AdminEndpoint(server, file);
  }

  /** Writes {@code text} to {@code file} through a fresh owner-only file moved into place. */
  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp); // not a POSIX file system: the directory's own protection applies
    } catch (FileAlreadyExistsException e) {
      throw new IOException("cannot create " + tmp, e);
    }
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void handle(HttpExchange exchange, String secret, RelayStorage store)
      throws IOException {
    try (exchange) {
      String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
      if (!MessageDigest.isEqual(
          auth.getBytes(StandardCharsets.UTF_8),
          ("Bearer " + secret).getBytes(StandardCharsets.UTF_8))) {
        send(exchange, 401, new Reply(1, "", "the relay refused the admin secret\n"));
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        send(exchange, 405, new Reply(1, "", "POST the arguments\n"));
        return;
      }
      List<String> args;
      try {
        args = List.of(JSON.readValue(exchange.getRequestBody().readAllBytes(), String[].class));
      } catch (IOException e) {
        send(exchange, 400, new Reply(2, "", "the arguments are not a JSON array of strings\n"));
        return;
      }
      send(exchange, 200, run(store, args));
    }
  }

  /**
   * Runs {@code quire relay ARGS} on the live store; only {@code user}, {@code grant}, {@code
   * backup}.
   */
  static Reply run(RelayStorage store, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = RelayMain.commandLine(store);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args.toArray(String[]::new));
    log.info("Admin command run through the running relay: {} (exit {})", first2(args), exit);
    return new Reply(exit, out.toString(), err.toString());
  }

  private static String first2(List<String> args) {
    return String.join(" ", args.stream().filter(a -> !a.startsWith("-")).limit(2).toList());
  }

  private static void send(HttpExchange exchange, int status, Reply reply) throws IOException {
    byte[] body =
        JSON.writeValueAsBytes(
            Map.of("exit", reply.exit(), "out", reply.out(), "err", reply.err()));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(body);
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Cannot delete {}: {}", file, e.getMessage());
    }
    server.stop(0);
  }
}
