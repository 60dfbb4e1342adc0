package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.Reply;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The relay tells a user's connections of a document they gained or lost, unasked. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnnouncementsTest {
  @TempDir Path dir;
  Relay relay;
  String aliceToken;
  String bobToken;
  TestClient alice;
  TestClient bobLaptop;
  TestClient bobDesktop;
  TestClient carol;

  @BeforeEach
  void start() throws Exception {
    relay = RelayFixture.start(dir);
    aliceToken = relay.store().users().add("alice");
    bobToken = relay.store().users().add("bob");
    alice = TestClient.login(relay.port(), aliceToken, "ca");
    bobLaptop = TestClient.login(relay.port(), bobToken, "cb1");
    bobDesktop = TestClient.login(relay.port(), bobToken, "cb2");
    carol = TestClient.login(relay.port(), relay.store().users().add("carol"), "cc");
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  @Test
  void share_reachesEveryConnectionOfTheGrantee_atOnce_andNobodyElse() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    for (TestClient bob : new TestClient[] {bobLaptop, bobDesktop}) {
      Reply r = bob.nextReply();
      assertThat(r.id()).as("answers no request").isNull();
      DocumentInfo info = ((ServerMessage.Available) r.message()).document();
      assertThat(info.doc()).isEqualTo("d");
      assertThat(info.title()).isEqualTo("Title of d");
      assertThat(info.role()).isEqualTo(Role.VIEWER);
    }
    alice.send(new ClientMessage.Share("d", "bob", Role.EDITOR)); // a changed role is announced
    alice.expect(ServerMessage.Shared.class);
    assertThat(bobLaptop.expect(ServerMessage.Available.class).document().role())
        .isEqualTo(Role.EDITOR);
    assertThat(bobDesktop.expect(ServerMessage.Available.class).document().role())
        .isEqualTo(Role.EDITOR);
    carol.expectSilence(300);
    alice.expectSilence(0);
  }

  @Test
  void create_reachesTheCreatorsOtherConnections_notTheCreatorsOwnNorOtherUsers() throws Exception {
    bobLaptop.send(new ClientMessage.Create("mine", "Mine"));
    DocumentInfo created = bobLaptop.expect(ServerMessage.Created.class).document();
    assertThat(bobDesktop.expect(ServerMessage.Available.class).document()).isEqualTo(created);
    bobLaptop.send(new ClientMessage.Create("mine", "Mine")); // a retried create: nothing new
    bobLaptop.expect(ServerMessage.Created.class);
    bobDesktop.expectSilence(300);
    bobLaptop.expectSilence(0);
    alice.expectSilence(0);
    carol.expectSilence(0);
  }

  @Test
  void revoke_sendsUnavailableToEveryConnectionOfTheUser() throws Exception {
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.EDITOR));
    alice.expect(ServerMessage.Shared.class);
    bobLaptop.expect(ServerMessage.Available.class);
    bobDesktop.expect(ServerMessage.Available.class);
    bobLaptop.send(new ClientMessage.Open("d", 0, false));
    bobLaptop.expect(ServerMessage.History.class);

    alice.send(new ClientMessage.Share("d", "bob", null));
    alice.expect(ServerMessage.Shared.class);
    assertThat(bobLaptop.expect(ServerMessage.Unsubscribed.class).doc()).isEqualTo("d");
    assertThat(bobLaptop.expect(ServerMessage.Unavailable.class).doc()).isEqualTo("d");
    assertThat(bobDesktop.expect(ServerMessage.Unavailable.class).doc()).isEqualTo("d");
    carol.expectSilence(300);
  }

  @Test
  void aClosedConnection_isForgotten_andALaterOneIsAnnouncedTo() throws Exception {
    bobDesktop.closeBlocking();
    RelayFixture.create(alice, "d");
    alice.send(new ClientMessage.Share("d", "bob", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    assertThat(bobLaptop.expect(ServerMessage.Available.class).document().doc()).isEqualTo("d");

    TestClient bobAgain = TestClient.login(relay.port(), bobToken, "cb2");
    RelayFixture.create(alice, "e");
    alice.send(new ClientMessage.Share("e", "bob", Role.VIEWER));
    alice.expect(ServerMessage.Shared.class);
    assertThat(bobAgain.expect(ServerMessage.Available.class).document().doc()).isEqualTo("e");
  }

  @Test
  void inOpenMode_aCreateReachesEveryOtherConnection() throws Exception {
    try (Relay open = RelayFixture.start(dir.resolve("open"), b -> b.openMode(true))) {
      TestClient one = TestClient.login(open.port(), "any", "c1");
      TestClient two = TestClient.login(open.port(), "any", "c2");
      RelayFixture.create(one, "d");
      assertThat(two.expect(ServerMessage.Available.class).document().doc()).isEqualTo("d");
      one.expectSilence(200);
    }
  }
}
