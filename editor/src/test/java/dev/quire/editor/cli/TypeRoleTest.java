package dev.quire.editor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.TestRelay;
import dev.quire.ot.bench.Traces;
import dev.quire.ot.protocol.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code type --relay} on a document this profile has never synced (its role there not known yet)
 * asks the relay first: a viewer is refused before anything is typed, as with a role known.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TypeRoleTest {
  @TempDir Path dir;

  @Test
  void aViewer_isRefusedBeforeTyping_evenWhenTheRoleWasNotKnownYet() throws Exception {
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      relay.user("alice");
      String bob = relay.user("bob");
      relay.document("blog", "alice");
      relay.relay().store().documents().setRole("blog", "bob", Role.VIEWER);
      Path profile = dir.resolve("bob");
      try (LocalStore store = LocalStore.open(profile)) { // on the relay, never synced here
        store.createDocument("blog", "Blog", 1, true, List.of()).get(30, TimeUnit.SECONDS);
        assertThat(store.relayRole("blog").get(30, TimeUnit.SECONDS)).isEmpty();
      }
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cmd = QuireCli.commandLine();
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      int code =
          cmd.execute(
              "type",
              "--profile",
              profile.toString(),
              "blog",
              Traces.path("seph-blog1.json.gz").toString(),
              "--limit",
              "50",
              "--relay",
              relay.uri().toString(),
              "--token",
              bob);
      assertThat(code).as(out + " " + err).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).contains("you can only read blog").contains("nothing was typed");
      try (LocalStore store = LocalStore.open(profile)) {
        assertThat(store.localText("blog").get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(store.document("blog").get(30, TimeUnit.SECONDS).orElseThrow().pending())
            .isZero();
      }
      assertThat(relay.relay().store().documents().find("blog").orElseThrow().head()).isZero();
    }
  }
}
