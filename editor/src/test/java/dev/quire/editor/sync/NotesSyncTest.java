package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.note.Anchor;
import dev.quire.ot.note.NamedVersion;
import dev.quire.ot.note.Note;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Comments and named versions between two editors through a real relay (protocol 5 notes). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NotesSyncTest {
  @TempDir Path dir;
  private TestRelay relay;
  private String aliceToken;
  private TestClient alice;
  private TestClient bob;

  @BeforeEach
  void start() {
    relay = TestRelay.start(dir.resolve("relay"));
    aliceToken = relay.user("alice");
    String bobToken = relay.user("bob");
    relay.document("doc", "alice", "bob");
    alice = new TestClient(dir.resolve("alice"), relay.uri(), aliceToken, "alice");
    bob = new TestClient(dir.resolve("bob"), relay.uri(), bobToken, "bob");
  }

  @AfterEach
  void stop() {
    for (TestClient c : new TestClient[] {alice, bob}) {
      if (c != null) {
        c.close();
      }
    }
    relay.close();
  }

  private static String anchored(TestClient c, DocumentSession s, String id) {
    return c.onOwner(
        () -> {
          ShownComment sc =
              s.comments().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
          String text = s.text();
          int from = text.offsetByCodePoints(0, sc.anchor().from());
          int to = text.offsetByCodePoints(0, sc.anchor().to());
          return text.substring(from, to);
        });
  }

  private static boolean hasSent(TestClient c, DocumentSession s, String id) {
    return c.onOwner(() -> s.comments().stream().anyMatch(x -> x.id().equals(id) && x.sent()));
  }

  @Test
  void commentRepliesResolveAndVersions_reachEveryone_andTheAnchorFollowsEdits() throws Exception {
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    DocumentSession a = alice.open("doc");
    DocumentSession b = bob.open("doc");
    alice.start();
    bob.start();
    alice.edit(a, 0, 0, "hello 😀 world");
    alice.awaitSettled();
    TestClient.await("bob has the text", () -> bob.text(b).equals("hello 😀 world"));

    alice.owner.run(() -> a.addNote(new Note.Comment("c1", 8, 13, "which world?")));
    // Bob types before the commented word while the comment travels.
    bob.edit(b, 0, 0, "Big ");
    TestClient.await("bob sees the comment", () -> hasSent(bob, b, "c1"));
    alice.awaitSettled();
    bob.awaitSettled();
    assertThat(anchored(alice, a, "c1")).isEqualTo("world");
    assertThat(anchored(bob, b, "c1")).isEqualTo("world");

    bob.owner.run(() -> b.addNote(new Note.Reply("r1", "c1", "this one")));
    bob.owner.run(() -> b.addNote(new Note.Resolve("c1", true)));
    alice.owner.run(() -> a.addNote(new Note.Version("sent to the client", null)));
    alice.awaitSettled();
    bob.awaitSettled();
    TestClient.await(
        "both see the version and the reply",
        () ->
            bob.onOwner(() -> b.versions().size()) == 1
                && alice.onOwner(() -> a.comments().get(0).replies().size()) == 1);
    List<ShownComment> seenByAlice = alice.onOwner(a::comments);
    assertThat(seenByAlice).isEqualTo(bob.onOwner(b::comments));
    assertThat(seenByAlice.get(0).resolved()).isTrue();
    assertThat(seenByAlice.get(0).author()).isEqualTo("alice");
    NamedVersion v = bob.onOwner(b::versions).get(0);
    assertThat(v.name()).isEqualTo("sent to the client");
    assertThat(alice.store.textAt("doc", v.revision()).get()).isEqualTo("Big hello 😀 world");

    // The profile keeps them: a restarted editor rebuilds the same comments from its log.
    alice.close();
    alice = new TestClient(dir.resolve("alice"), relay.uri(), aliceToken, "alice");
    DocumentSession again = alice.open("doc");
    assertThat(alice.onOwner(again::comments)).isEqualTo(seenByAlice);
    assertThat(alice.onOwner(again::versions))
        .extracting(NamedVersion::name)
        .containsExactly(v.name());
    assertThat(alice.problems).isEmpty();
    assertThat(bob.problems).isEmpty();
  }

  @Test
  void manyLongNotesMadeOffline_areSentInBatchesWithinTheRelaysMessageLimit() throws Exception {
    TestRelay small =
        TestRelay.start(
            dir.resolve("small"), new dev.quire.ot.protocol.Limits(8192, 50, 100, 10_000, 10_000));
    try (small) {
      String token = small.user("carol");
      small.document("doc", "carol");
      TestClient carol = new TestClient(dir.resolve("carol"), small.uri(), token, "carol");
      try (carol) {
        carol.addRemoteDocument("doc");
        DocumentSession c = carol.open("doc");
        carol.edit(c, 0, 0, "x".repeat(3000));
        String longText = "y".repeat(2000);
        carol.owner.run(
            () -> {
              for (int i = 0; i < 10; i++) {
                c.addNote(new Note.Comment("c" + i, i, i + 1, longText));
              }
            });
        carol.start();
        TestClient.await("all ten comments acknowledged", () -> hasSent(carol, c, "c9"));
        carol.awaitSettled();
        assertThat(carol.onOwner(c::comments)).hasSize(10).allMatch(ShownComment::sent);
        assertThat(carol.problems).isEmpty();
      }
    }
  }

  @Test
  void aCommentMadeOffline_survivesARestart_andLandsOnItsTextAfterCatchingUp() throws Exception {
    alice.addRemoteDocument("doc");
    bob.addRemoteDocument("doc");
    DocumentSession a = alice.open("doc");
    DocumentSession b = bob.open("doc");
    alice.start();
    bob.start();
    alice.edit(a, 0, 0, "one two three");
    alice.awaitSettled();
    TestClient.await("bob has the text", () -> bob.text(b).equals("one two three"));

    alice.stop(); // offline
    alice.owner.run(() -> a.addNote(new Note.Comment("c1", 4, 7, "two?")));
    alice.edit(a, 0, 0, ">> ");
    bob.edit(b, 13, 0, " four");
    bob.edit(b, 0, 0, "zero ");
    bob.awaitSettled();
    assertThat(anchored(alice, a, "c1")).isEqualTo("two");

    alice.close(); // the unsent comment and edit are in the profile
    alice = new TestClient(dir.resolve("alice"), relay.uri(), aliceToken, "alice");
    DocumentSession a2 = alice.open("doc");
    assertThat(alice.onOwner(a2::comments))
        .singleElement()
        .satisfies(c -> assertThat(c.sent()).isFalse());
    assertThat(anchored(alice, a2, "c1")).isEqualTo("two");
    alice.start();
    TestClient.await("bob sees the comment", () -> hasSent(bob, b, "c1"));
    alice.awaitSettled();
    bob.awaitSettled();
    assertThat(alice.text(a2)).isEqualTo(bob.text(b));
    assertThat(anchored(bob, b, "c1")).isEqualTo("two");
    assertThat(anchored(alice, a2, "c1")).isEqualTo("two");
    assertThat(bob.onOwner(b::comments).get(0).anchor()).isInstanceOf(Anchor.class);
    assertThat(alice.problems).isEmpty();
  }
}
