package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two devices of the owner both see that a removal left the key due to rotate: the one whose
 * rotation the relay refuses (the other rotated first) takes the other's key of that epoch, rather
 * than keeping the key it made, which no other device has.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DueRotationRaceTest {
  @TempDir Path dir;
  private TestRelay relay;
  private MessageHoldingProxy proxy;
  private final List<TestClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (TestClient c : clients) {
      c.close();
    }
    if (proxy != null) {
      proxy.shutDown();
    }
    if (relay != null) {
      relay.close();
    }
  }

  private TestClient client(String profile, java.net.URI uri, String token) {
    TestClient c = new TestClient(dir.resolve(profile), uri, token, profile);
    clients.add(c);
    return c;
  }

  private static <T> T call(TestClient c, Supplier<CompletableFuture<T>> f) throws Exception {
    return c.owner.call(f::get).get(30, TimeUnit.SECONDS);
  }

  private DocumentSession joined(TestClient c, String text) throws Exception {
    c.start();
    c.owner.call(c.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("has the document", () -> c.store.document("secret").join().isPresent());
    DocumentSession s = c.open("secret");
    TestClient.await("has the text", () -> c.text(s).equals(text));
    c.awaitSettled();
    c.forgetTheWaitForTheKey();
    return s;
  }

  private void adminRemoves(String user) {
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = dev.quire.relay.RelayMain.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    int code =
        cmd.execute("--data", dir.resolve("relay").toString(), "grant", "secret", user, "none");
    assertThat(code).as(err.toString()).isZero();
  }

  @Test
  void theOwnersDeviceWhoseDueRotationIsRefused_takesTheKeyTheOtherDeviceMade() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    proxy = MessageHoldingProxy.begin(relay.uri());
    String aliceToken = relay.user("alice");
    String bobToken = relay.user("bob");
    relay.user("carol");
    TestClient desk = client("alice-desk", proxy.uri(), aliceToken);
    desk.store.createDocument("secret", "Plans", 1, false, List.of()).get();
    desk.engine.keyring().newDocument("secret").get();
    DocumentSession onDesk = desk.open("secret");
    desk.start();
    desk.edit(onDesk, 0, 0, "hello");
    desk.awaitSettled();
    call(desk, () -> desk.engine.share("secret", "bob", Role.EDITOR));
    call(desk, () -> desk.engine.share("secret", "carol", Role.EDITOR));
    TestClient bob = client("bob", relay.uri(), bobToken);
    DocumentSession onBob = joined(bob, "hello");
    TestClient laptop = client("alice-laptop", relay.uri(), aliceToken);
    joined(laptop, "hello");
    laptop.stop();
    desk.stop();
    var keys = relay.relay().store().keys();

    adminRemoves("carol");
    // The desk reads the devices (a rotation is due, epoch 1); its keys answer is held here while
    // the laptop rotates to epoch 2. The desk's rotation to epoch 2 is then refused as stale.
    proxy.hold("keys");
    desk.start();
    TestClient.await("the desk asked for the keys", () -> proxy.held() == 1);
    laptop.start();
    TestClient.await("the laptop rotated", () -> keys.epoch("secret") == 2);
    proxy.release();
    TestClient.await(
        "the desk was refused",
        () -> desk.problems.stream().anyMatch(p -> p.contains("STALE_EPOCH")));

    desk.edit(onDesk, 0, 0, "desk: ");
    TestClient.await("bob reads the desk's edit", () -> bob.text(onBob).equals("desk: hello"));
    assertThat(desk.onOwner(() -> desk.engine.keyring().key("secret", 2)).orElseThrow())
        .isEqualTo(laptop.onOwner(() -> laptop.engine.keyring().key("secret", 2)).orElseThrow());
    assertThat(keys.epoch("secret")).isEqualTo(2);
    assertThat(bob.problems).isEmpty();
  }
}
