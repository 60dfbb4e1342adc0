package dev.quire.ot.note;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.sync.Batch;
import dev.quire.ot.sync.CanonicalLog;
import dev.quire.ot.sync.ClientSync;
import dev.quire.ot.sync.Delivery;
import dev.quire.ot.sync.MemoryLog;
import dev.quire.ot.sync.MemorySequencer;
import dev.quire.ot.sync.SequencedBatch;
import dev.quire.ot.text.GapBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Clients edit, comment, reply, resolve and name versions concurrently, their batches reaching a
 * sequencer and each other in random interleavings; some work offline for a while and catch up in
 * bulk. Once everything is delivered, every replica holds the same comments with the same anchors
 * and the same versions, and every anchor lies inside the document.
 */
class NotesConvergenceProperties {

  /** A log that keeps its replica's notes: each batch goes through the notes before the log. */
  static final class NotedLog implements CanonicalLog {
    final MemoryLog log = new MemoryLog();
    final DocumentNotes notes = new DocumentNotes();

    @Override
    public long head() {
      return log.head();
    }

    @Override
    public TextOperation operation(long revision) {
      return log.operation(revision);
    }

    @Override
    public void append(SequencedBatch sequenced, List<TextOperation> canonical) {
      notes.append(log, sequenced, canonical);
      log.append(sequenced, canonical);
    }
  }

  static final class Client {
    final String name;
    final NotedLog log = new NotedLog();
    final ClientSync sync;
    final GapBuffer text = new GapBuffer();
    int delivered; // batches of the sequencer taken so far
    boolean offline;
    int made;

    Client(String name) {
      this.name = name;
      this.sync = new ClientSync(name + "-c", log, 5);
    }

    void apply(Delivery d) {
      d.toApply().forEach(text::apply);
    }
  }

  @Property(tries = 300)
  void everyReplicaAgreesOnEveryAnchor(
      @ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int clientCount) {
    Random random = new Random(seed);
    MemorySequencer sequencer = new MemorySequencer();
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < clientCount; i++) {
      clients.add(new Client("user" + i));
    }
    for (int step = 0; step < 200; step++) {
      Client c = clients.get(random.nextInt(clients.size()));
      int roll = random.nextInt(100);
      if (roll < 40) {
        edit(c, random);
      } else if (roll < 55) {
        note(c, random);
      } else if (roll < 75) {
        send(c, sequencer);
      } else if (roll < 95) {
        deliver(c, sequencer, random.nextInt(3) + 1);
      } else {
        c.offline = !c.offline;
      }
    }
    // Everyone comes back and syncs until nothing moves.
    clients.forEach(c -> c.offline = false);
    for (boolean moved = true; moved; ) {
      moved = false;
      for (Client c : clients) {
        long before = sequencer.head();
        int deliveredBefore = c.delivered;
        send(c, sequencer);
        deliver(c, sequencer, Integer.MAX_VALUE);
        moved |= before != sequencer.head() || deliveredBefore != c.delivered;
      }
    }
    Client first = clients.get(0);
    int length = first.text.length();
    for (Client c : clients) {
      assertThat(c.sync.isSynchronised()).isTrue();
      assertThat(c.text.toString()).isEqualTo(sequencer.text());
      assertThat(c.log.notes.comments()).isEqualTo(first.log.notes.comments());
      assertThat(c.log.notes.versions()).isEqualTo(first.log.notes.versions());
    }
    for (CommentThread t : first.log.notes.comments()) {
      assertThat(t.anchor().to()).isLessThanOrEqualTo(length);
    }
  }

  private static void edit(Client c, Random random) {
    if (c.sync.rebasePending()) {
      return;
    }
    int length = c.sync.localLength();
    int at = random.nextInt(length + 1);
    int delete = random.nextInt(4) == 0 ? random.nextInt(Math.min(3, length - at) + 1) : 0;
    String[] pieces = {"", "a", "b😀", " x", "🇫🇷"};
    String insert = pieces[random.nextInt(pieces.length)];
    if (delete == 0 && insert.isEmpty()) {
      insert = "k";
    }
    TextOperation op = TextOperation.splice(length, at, delete, insert);
    c.text.apply(op);
    c.sync.localEdit(op);
  }

  private static void note(Client c, Random random) {
    if (c.sync.rebasePending()) {
      return;
    }
    int length = c.sync.localLength();
    int roll = random.nextInt(10);
    List<CommentThread> known = c.log.notes.comments();
    String id = c.name + "-" + (c.made++);
    if (roll < 5 || known.isEmpty()) {
      int a = random.nextInt(length + 1);
      int b = random.nextInt(length + 1);
      c.sync.addNote(new Note.Comment(id, Math.min(a, b), Math.max(a, b), "about this"));
    } else if (roll < 7) {
      String on = known.get(random.nextInt(known.size())).id();
      c.sync.addNote(new Note.Reply(id, on, "agreed"));
    } else if (roll < 8) {
      String on = known.get(random.nextInt(known.size())).id();
      c.sync.addNote(new Note.Resolve(on, random.nextBoolean()));
    } else if (roll < 9) {
      String on = known.get(random.nextInt(known.size())).id();
      c.sync.addNote(random.nextBoolean() ? new Note.Delete(on) : new Note.Edit(on, "changed"));
    } else if (random.nextBoolean() || c.log.notes.versions().isEmpty()) {
      c.sync.addNote(new Note.Version("v" + c.made, null));
    } else { // someone's name: it counts only when it is this client's own
      List<NamedVersion> named = c.log.notes.versions();
      NamedVersion v = named.get(random.nextInt(named.size()));
      c.sync.addNote(new Note.RemoveVersion(v.name(), v.revision()));
    }
  }

  private static void send(Client c, MemorySequencer sequencer) {
    if (c.offline || c.sync.rebasePending()) {
      return;
    }
    Optional<Batch> batch = c.sync.nextBatch();
    batch.ifPresent(b -> sequencer.submit(c.name, b, 1000L + sequencer.head()));
  }

  private static void deliver(Client c, MemorySequencer sequencer, int count) {
    if (c.offline) {
      return;
    }
    List<SequencedBatch> all = sequencer.log().batches();
    boolean bulk = c.sync.inFlight().isEmpty() && count > 1;
    List<SequencedBatch> page = new ArrayList<>();
    while (c.delivered < all.size() && page.size() < count) {
      page.add(all.get(c.delivered++));
    }
    if (bulk && page.stream().noneMatch(s -> s.batch().clientId().equals(c.sync.clientId()))) {
      c.sync.receiveDeferred(page); // a catch-up after working offline
      c.apply(c.sync.rebase());
      return;
    }
    for (SequencedBatch s : page) {
      c.apply(c.sync.receive(s));
    }
  }
}
