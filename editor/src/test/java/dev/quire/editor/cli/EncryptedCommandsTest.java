package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.TestRelay;
import dev.quire.relay.store.PayloadKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./quire new --encrypted}, {@code docs} and {@code devices} for encrypted documents. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EncryptedCommandsTest {
  @TempDir Path dir;
  private TestRelay relay;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    relay = TestRelay.start(dir.resolve("relay"));
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = QuireCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void newEncrypted_isListedAsEncrypted_andCreatedEncryptedOnTheRelay() {
    String desk = dir.resolve("desk").toString();
    assertThat(run("new", "--profile", desk, "--encrypted", "--id", "secret", "--title", "Plans"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString().trim()).isEqualTo("secret");
    assertThat(run("new", "--profile", desk, "--id", "plain")).isZero();
    assertThat(run("new", "--profile", desk, "--id", "plain")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("exists already");

    assertThat(run("docs", "--profile", desk)).isZero();
    assertThat(out.toString().lines())
        .anyMatch(l -> l.startsWith("secret\t") && l.endsWith("\tPlans\tencrypted"))
        .anyMatch(l -> l.startsWith("plain\t") && l.endsWith("\tUntitled"));

    String token = relay.user("alice");
    assertThat(run("sync", "--profile", desk, "--relay", relay.uri().toString(), "--token", token))
        .as(err.toString())
        .isZero();
    assertThat(relay.relay().store().documents().find("secret").orElseThrow().payload())
        .isEqualTo(PayloadKind.ENCRYPTED);
    assertThat(relay.relay().store().documents().find("plain").orElseThrow().payload())
        .isNotEqualTo(PayloadKind.ENCRYPTED);
    // The creating device sealed the first key for itself.
    assertThat(relay.relay().store().keys().devices("secret", 1))
        .extracting(d -> d.user() + "/" + d.sealed())
        .containsExactly("alice/true");

    // The title is sealed: the relay holds the placeholder, never "Plans".
    assertThat(relay.relay().store().documents().find("secret").orElseThrow().title())
        .isEqualTo(dev.quire.ot.protocol.SealedTitle.PLACEHOLDER);
    assertThat(relay.relay().store().documents().find("secret").orElseThrow().sealedTitle())
        .isNotNull();

    // A member's `docs` shows it decrypted.
    String bobProfile = dir.resolve("bob").toString();
    String[] asBob = {"--relay", relay.uri().toString(), "--token", relay.user("bob")};
    assertThat(run(with(new String[] {"sync", "--profile", bobProfile}, asBob)))
        .as(err.toString())
        .isZero(); // registers bob's device, so that the share seals the key for it
    assertThat(
            run(
                "share",
                "--profile",
                desk,
                "--relay",
                relay.uri().toString(),
                "--token",
                token,
                "secret",
                "bob",
                "editor"))
        .as(err.toString())
        .isZero();
    assertThat(run(with(new String[] {"sync", "--profile", bobProfile}, asBob)))
        .as(err.toString())
        .isZero();
    assertThat(run("docs", "--profile", bobProfile)).isZero();
    assertThat(out.toString().lines())
        .anyMatch(l -> l.startsWith("secret\t") && l.endsWith("\tPlans\tencrypted"));

    assertThat(run("devices", "--profile", desk)).isZero();
    assertThat(out.toString().lines().findFirst().orElseThrow())
        .matches("this\\t\\S+\\t[0-9a-f]{4}( [0-9a-f]{4}){4}");
    assertThat(out.toString().lines()).anyMatch(l -> l.startsWith("alice\t"));
  }

  private String clientIdOf(String profile) {
    assertThat(run("devices", "--profile", profile)).isZero();
    return out.toString().lines().findFirst().orElseThrow().split("\t")[1];
  }

  @Test
  void devicesListAndRevoke_revokeAnotherDeviceOfTheUser_andRefuseBadInput() {
    String desk = dir.resolve("desk").toString();
    String laptop = dir.resolve("laptop").toString();
    String token = relay.user("alice");
    String[] at = {"--relay", relay.uri().toString(), "--token", token};
    assertThat(run(with(new String[] {"sync", "--profile", laptop}, at)))
        .as(err.toString())
        .isZero();
    assertThat(run("new", "--profile", desk, "--encrypted", "--id", "secret")).isZero();
    assertThat(run(with(new String[] {"sync", "--profile", desk}, at))).as(err.toString()).isZero();
    String deskId = clientIdOf(desk);
    String laptopId = clientIdOf(laptop);

    assertThat(run(with(new String[] {"devices", "list", "--profile", desk}, at)))
        .as(err.toString())
        .isZero();
    assertThat(out.toString().lines())
        .hasSize(2)
        .anyMatch(l -> l.matches(java.util.regex.Pattern.quote(deskId) + "\t\\S+Z\tthis"))
        .anyMatch(l -> l.matches(java.util.regex.Pattern.quote(laptopId) + "\t\\S+Z"));

    // Bad input: this device, an unknown one, a missing CLIENT_ID, an unknown action.
    assertThat(run(with(new String[] {"devices", "revoke", deskId, "--profile", desk}, at)))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("is this device");
    assertThat(run(with(new String[] {"devices", "revoke", "nope", "--profile", desk}, at)))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("UNKNOWN_DEVICE");
    assertThat(run("devices", "revoke", "--profile", desk)).isEqualTo(ExitCodes.USAGE);
    assertThat(run("devices", "forget", "--profile", desk)).isEqualTo(ExitCodes.USAGE);

    assertThat(run(with(new String[] {"devices", "revoke", laptopId, "--profile", desk}, at)))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("revoked " + laptopId).contains("key of 1 encrypted");
    assertThat(relay.relay().store().keys().rotationDue("secret")).isTrue();
    assertThat(run(with(new String[] {"devices", "list", "--profile", desk}, at))).isZero();
    assertThat(out.toString().lines()).hasSize(1).allMatch(l -> l.startsWith(deskId + "\t"));
    // The revoked device is refused with a clear error.
    assertThat(run(with(new String[] {"sync", "--profile", laptop}, at)))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("DEVICE_REVOKED").contains("revoked by its user");
  }

  private static String[] with(String[] args, String[] more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
