package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code members}: who has a role on a document, for anyone with a role on it (protocol 4). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MembersTest {
  @TempDir Path dir;
  Relay relay;
  TestClient zoe;
  TestClient bob;
  TestClient eve;

  @BeforeEach
  void start() throws Exception {
    relay = RelayFixture.start(dir);
    zoe = TestClient.login(relay.port(), relay.store().users().add("zoe"), "cz");
    bob = TestClient.login(relay.port(), relay.store().users().add("bob"), "cb");
    eve = TestClient.login(relay.port(), relay.store().users().add("eve"), "ce");
    relay.store().users().add("amy");
    RelayFixture.create(zoe, "doc");
    share("bob", Role.VIEWER);
    bob.expect(ServerMessage.Available.class);
    share("amy", Role.EDITOR);
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private void share(String user, Role role) throws InterruptedException {
    zoe.send(new ClientMessage.Share("doc", user, role));
    zoe.expect(ServerMessage.Shared.class);
  }

  @Test
  void members_listsTheOwnerFirst_thenTheOthersByName_toAnyoneWithARole() throws Exception {
    bob.send(new ClientMessage.Members("doc"));
    ServerMessage.Members m = bob.expect(ServerMessage.Members.class);
    assertThat(m.doc()).isEqualTo("doc");
    assertThat(m.members())
        .containsExactly(
            new Member("zoe", Role.OWNER),
            new Member("amy", Role.EDITOR),
            new Member("bob", Role.VIEWER));

    share("amy", null); // a removed role leaves the list
    zoe.send(new ClientMessage.Members("doc"));
    assertThat(zoe.expect(ServerMessage.Members.class).members())
        .containsExactly(new Member("zoe", Role.OWNER), new Member("bob", Role.VIEWER));
  }

  @Test
  void members_isRefusedAsOpenIs() throws Exception {
    eve.send(new ClientMessage.Members("doc"));
    ServerMessage.Error e = eve.expect(ServerMessage.Error.class);
    assertThat(e.code()).isIn(ErrorCode.FORBIDDEN, ErrorCode.UNKNOWN_DOCUMENT);
    eve.send(new ClientMessage.Open("doc", 0, false));
    assertThat(eve.expect(ServerMessage.Error.class).code()).isEqualTo(e.code());

    bob.send(new ClientMessage.Members("no-such-doc"));
    assertThat(bob.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.UNKNOWN_DOCUMENT);
  }
}
