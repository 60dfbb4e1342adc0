package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.crypto.BatchContent;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.WireSequenced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edit typed while a key refresh is between the relay's {@code devices} answer and its {@code
 * keys} answer: the member's client (behind a proxy that holds the {@code keys} answers) still
 * seals and sends it, without pausing sync to wait for a key, and a refresh already running is not
 * started again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyRefreshRaceTest {
  @TempDir Path dir;
  private TestRelay relay;
  private MessageHoldingProxy proxy;
  private final List<TestClient> clients = new ArrayList<>();
  private TestClient alice;
  private TestClient bob;
  private DocumentSession onAlice;
  private DocumentSession onBob;
  private final List<String> bobProblems = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    relay = TestRelay.start(dir.resolve("relay"));
    proxy = MessageHoldingProxy.begin(relay.uri());
    String aliceToken = relay.user("alice");
    String bobToken = relay.user("bob");
    relay.user("carol"); // a member to remove: the removal rotates the key
    alice = client("alice", relay.uri().toString(), aliceToken);
    alice.store.createDocument("secret", "Plans", 1, false, List.of()).get();
    alice.engine.keyring().newDocument("secret").get();
    onAlice = alice.open("secret");
    alice.start();
    alice.edit(onAlice, 0, 0, "hello");
    alice.awaitSettled();
    call(alice, () -> alice.engine.share("secret", "bob", Role.EDITOR));
    call(alice, () -> alice.engine.share("secret", "carol", Role.EDITOR));
    bob = client("bob", proxy.uri().toString(), bobToken);
    bob.start();
    bob.owner.call(bob.engine::syncAllDocuments).get(30, TimeUnit.SECONDS);
    TestClient.await("bob has the document", () -> bob.store.document("secret").join().isPresent());
    onBob = bob.open("secret");
    TestClient.await("bob has the text", () -> bob.text(onBob).equals("hello"));
    bob.awaitSettled();
    bob.forgetTheWaitForTheKey(); // bob's device was not known when alice shared the document
    bob.owner.run(
        () ->
            onBob.addListener(
                new DocumentListener() {
                  @Override
                  public void problem(String message) {
                    bobProblems.add(message);
                  }
                }));
  }

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

  private TestClient client(String profile, String uri, String token) {
    TestClient c = new TestClient(dir.resolve(profile), java.net.URI.create(uri), token, profile);
    clients.add(c);
    return c;
  }

  private static <T> T call(TestClient c, Supplier<CompletableFuture<T>> f) throws Exception {
    return c.owner.call(f::get).get(30, TimeUnit.SECONDS);
  }

  private List<WireSequenced> byBob() {
    long head = relay.relay().store().documents().find("secret").orElseThrow().head();
    List<WireSequenced> out = new ArrayList<>();
    relay.relay().store().history().entries("secret", 0, head).stream()
        .map(e -> e.entry())
        .filter(ws -> ws.author().equals("bob"))
        .forEach(out::add);
    return out;
  }

  @Test
  void anEditBetweenThePeriodicChecksDevicesAndKeysAnswers_isSentWithoutWaitingForAKey()
      throws Exception {
    call(alice, () -> alice.engine.share("secret", "carol", null)); // rotates to epoch 2
    assertThat(relay.relay().store().keys().epoch("secret")).isEqualTo(2);
    proxy.hold("keys");
    // Bob's periodic key check reads the devices (epoch 2), then asks for the keys: held here.
    TestClient.await("bob's key check asked for the keys", () -> proxy.held() == 1);
    bob.edit(onBob, 0, 0, "[bob] ");
    assertThat(bobProblems).isEmpty(); // not "no key of the current epoch ...: waiting"
    assertThat(bob.onOwner(onBob::status).state()).isNotEqualTo(SyncStatus.State.CATCHING_UP);
    proxy.release();
    TestClient.await("alice has bob's edit", () -> alice.text(onAlice).equals("[bob] hello"));
    bob.awaitSettled();
    List<WireSequenced> bobs = byBob();
    assertThat(bobs).hasSize(1);
    assertThat(BatchContent.sealedOf(bobs.get(0).batch()).epoch()).isEqualTo(2);
    assertThat(bobProblems).isEmpty();
    assertThat(bob.problems).isEmpty();
    assertThat(alice.problems).isEmpty();
  }

  @Test
  void anEditWhileTheRefreshAfterAStaleEpochRuns_startsNoSecondRefresh() throws Exception {
    call(alice, () -> alice.engine.share("secret", "carol", null)); // rotates to epoch 2
    proxy.hold("keys");
    TestClient.await("bob's key check asked for the keys", () -> proxy.held() == 1);
    bob.edit(onBob, 0, 0, "[bob] "); // sealed under epoch 1: refused as stale
    TestClient.await("bob's refresh after the refusal asked for the keys", () -> proxy.held() == 2);
    long devicesAsked = proxy.count("devices");
    bob.edit(onBob, bob.text(onBob).length(), 0, " [more]");
    // A request sent after the edit on the same connection: once the proxy has it, whatever the
    // edit made the client send has passed the proxy too.
    long listsAsked = proxy.count("list");
    bob.owner.call(bob.engine::syncAllDocuments);
    TestClient.await("the later request passed", () -> proxy.count("list") == listsAsked + 1);
    List<String> upToIt = List.copyOf(proxy.requestTypes);
    upToIt = upToIt.subList(0, upToIt.lastIndexOf("list"));
    assertThat(upToIt.stream().filter("devices"::equals).count()).isEqualTo(devicesAsked);
    proxy.release();
    TestClient.await(
        "alice has bob's edits", () -> alice.text(onAlice).equals("[bob] hello [more]"));
    bob.awaitSettled();
    for (WireSequenced ws : byBob()) {
      assertThat(BatchContent.sealedOf(ws.batch()).epoch()).isEqualTo(2);
    }
    assertThat(bobProblems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }
}
