package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.CodePoints;
import dev.quire.ot.operation.OperationArbitraries;
import dev.quire.ot.operation.OperationArbitraries.Recipe;
import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The bulk path of {@link ClientSync}: remote batches taken with {@link ClientSync#receiveDeferred}
 * and the queue rebased past them at once, however the batches are paged and whenever the rebases
 * happen, give the log that {@link ClientSync#receive} one by one gives and a queue that, sent,
 * makes every replica's text the local text. When the remote edits only insert, the local text is
 * the one-by-one text too; with deletes, inserts of both sides that meet where a remote delete was
 * may come out in the other order (both orders are a valid merge).
 */
class BulkRebaseProperties {
  private static final int MAX_BATCH = 1000;

  /** A client whose log holds {@code doc} as revision 1 (when not empty), and its text. */
  private static final class Client {
    final MemoryLog log = new MemoryLog();
    final ClientSync sync = new ClientSync("c-local", log, MAX_BATCH);
    String text = "";

    Client(String doc) {
      if (!doc.isEmpty()) {
        take(sync.receive(seed(doc)));
      }
    }

    void edit(TextOperation op) {
      sync.localEdit(op);
      text = op.apply(text);
    }

    void take(Delivery d) {
      assertThat(d.status()).isEqualTo(Delivery.Status.APPLIED);
      for (TextOperation op : d.toApply()) {
        text = op.apply(text);
      }
    }

    /** The text at the log's head with the unacknowledged operations applied. */
    String headPlusQueue(String headText) {
      String t = headText;
      for (TextOperation op : sync.state().queued()) {
        t = op.apply(t);
      }
      return t;
    }
  }

  private static SequencedBatch seed(String doc) {
    Batch b = new Batch("c-seed", 1, 0, List.of(TextOperation.splice(0, 0, 0, doc)));
    return new SequencedBatch(1, "seed", 1, b);
  }

  /** Operations one after the other from a document of {@code length} code points. */
  private static List<TextOperation> chain(int length, List<Recipe> recipes) {
    List<TextOperation> ops = new ArrayList<>();
    for (Recipe r : recipes) {
      TextOperation op = r.buildFor(length);
      ops.add(op);
      length = op.targetLength();
    }
    return ops;
  }

  /** Another author's operations as batches of {@code size}, sequenced after {@code head}. */
  private static List<SequencedBatch> remoteBatches(List<TextOperation> ops, int size, long head) {
    List<SequencedBatch> out = new ArrayList<>();
    long revision = head;
    for (int i = 0, seq = 1; i < ops.size(); i += size, seq++) {
      List<TextOperation> part = ops.subList(i, Math.min(ops.size(), i + size));
      Batch b = new Batch("c-remote", seq, revision, part);
      out.add(new SequencedBatch(revision + 1, "bob", 100 + revision, b));
      revision += part.size();
    }
    return out;
  }

  private static <T> List<List<T>> pages(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      out.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return out;
  }

  @Provide
  Arbitrary<String> documents() {
    return OperationArbitraries.documents();
  }

  @Provide
  Arbitrary<List<Recipe>> edits() {
    return OperationArbitraries.recipes().list().ofMinSize(0).ofMaxSize(25);
  }

  @Provide
  Arbitrary<List<Recipe>> remoteEdits() {
    return OperationArbitraries.recipes().list().ofMinSize(1).ofMaxSize(40);
  }

  /** Remote edits that retain and insert only. */
  @Provide
  Arbitrary<List<Recipe>> remoteInserts() {
    return OperationArbitraries.recipes()
        .map(
            r ->
                new Recipe(
                    r.steps().stream()
                        .filter(st -> st.kind() != OperationArbitraries.Kind.DELETE)
                        .toList(),
                    false))
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<Boolean>> rebaseAfterPage() {
    return Arbitraries.of(true, false).list().ofSize(40);
  }

  /** Takes {@code batches} in pages of {@code pageSize}, rebasing where {@code rebaseAfterPage}. */
  private static void takeInBulk(
      Client bulk, List<SequencedBatch> batches, int pageSize, List<Boolean> rebaseAfterPage) {
    List<List<SequencedBatch>> paged = pages(batches, pageSize);
    for (int p = 0; p < paged.size(); p++) {
      assertThat(bulk.sync.receiveDeferred(paged.get(p))).isEqualTo(-1);
      assertThat(bulk.sync.rebasePending()).isTrue();
      if (rebaseAfterPage.get(p % rebaseAfterPage.size())) {
        bulk.take(bulk.sync.rebase());
      }
    }
    bulk.take(bulk.sync.rebase());
    assertThat(bulk.sync.rebasePending()).isFalse();
  }

  @Property
  void bulkRebaseOfAQueueAgainstRemoteBatches_givesTheLogOfOneByOneAndAQueueThatConverges(
      @ForAll("documents") String doc,
      @ForAll("edits") List<Recipe> local,
      @ForAll("remoteEdits") List<Recipe> remote,
      @ForAll @IntRange(min = 1, max = 6) int batchSize,
      @ForAll @IntRange(min = 1, max = 4) int pageSize,
      @ForAll("rebaseAfterPage") List<Boolean> rebaseAfterPage) {
    Client oneByOne = new Client(doc);
    Client bulk = new Client(doc);
    int length = CodePoints.count(doc);
    for (TextOperation op : chain(length, local)) {
      oneByOne.edit(op);
      bulk.edit(op);
    }
    List<SequencedBatch> batches =
        remoteBatches(chain(length, remote), batchSize, bulk.sync.revision());
    batches.forEach(b -> oneByOne.take(oneByOne.sync.receive(b)));
    takeInBulk(bulk, batches, pageSize, rebaseAfterPage);

    assertThat(bulk.sync.revision()).isEqualTo(oneByOne.sync.revision());
    assertThat(bulk.log.operations()).isEqualTo(oneByOne.log.operations());
    assertThat(bulk.sync.unacknowledgedCount()).isEqualTo(oneByOne.sync.unacknowledgedCount());
    assertThat(bulk.sync.localLength()).isEqualTo(CodePoints.count(bulk.text));
    assertThat(bulk.headPlusQueue(headText(bulk.log))).isEqualTo(bulk.text);
    // Sent and sequenced, the queue makes the log's text the local text: every replica gets it.
    ClientSync restored = ClientSync.restore(bulk.sync.state(), bulk.log, MAX_BATCH);
    for (var b = restored.nextBatch(); b.isPresent(); b = restored.nextBatch()) {
      Delivery d = restored.acknowledge(b.get().batchSeq(), restored.revision() + 1, "alice", 0);
      assertThat(d.status()).isEqualTo(Delivery.Status.APPLIED);
    }
    assertThat(restored.isSynchronised()).isTrue();
    assertThat(headText(bulk.log)).isEqualTo(bulk.text);
  }

  @Property
  void bulkRebaseAgainstRemoteInserts_givesTheTextOfTakingThemOneByOne(
      @ForAll("documents") String doc,
      @ForAll("edits") List<Recipe> local,
      @ForAll("remoteInserts") List<Recipe> remote,
      @ForAll @IntRange(min = 1, max = 6) int batchSize,
      @ForAll @IntRange(min = 1, max = 4) int pageSize,
      @ForAll("rebaseAfterPage") List<Boolean> rebaseAfterPage) {
    Client oneByOne = new Client(doc);
    Client bulk = new Client(doc);
    int length = CodePoints.count(doc);
    for (TextOperation op : chain(length, local)) {
      oneByOne.edit(op);
      bulk.edit(op);
    }
    List<SequencedBatch> batches =
        remoteBatches(chain(length, remote), batchSize, bulk.sync.revision());
    batches.forEach(b -> oneByOne.take(oneByOne.sync.receive(b)));
    takeInBulk(bulk, batches, pageSize, rebaseAfterPage);

    assertThat(bulk.text).isEqualTo(oneByOne.text);
    assertThat(bulk.sync.localLength()).isEqualTo(oneByOne.sync.localLength());
  }

  @Test
  void bulkRebase_aDeleteBetweenTwoInserts_mayOrderThemOtherwiseThanOneByOne() {
    // Local: "a" -> "aL". Remote: delete "a", then insert "b". One by one, L and b tie at 0 and
    // the local insert goes first; composed, the remote insert stands before the deleted "a".
    List<TextOperation> remote =
        List.of(TextOperation.splice(1, 0, 1, ""), TextOperation.splice(0, 0, 0, "b"));
    Client oneByOne = new Client("a");
    Client bulk = new Client("a");
    oneByOne.edit(TextOperation.splice(1, 1, 0, "L"));
    bulk.edit(TextOperation.splice(1, 1, 0, "L"));
    List<SequencedBatch> batches = remoteBatches(remote, 1, 1);
    batches.forEach(b -> oneByOne.take(oneByOne.sync.receive(b)));
    takeInBulk(bulk, batches, 2, List.of(false));
    assertThat(oneByOne.text).isEqualTo("Lb");
    assertThat(bulk.text).isEqualTo("bL");
    assertThat(bulk.headPlusQueue("b")).isEqualTo("bL");
  }

  @Property
  void anEditWhileTheRebaseWaits_isRebasedWithTheQueue(
      @ForAll("documents") String doc,
      @ForAll("edits") List<Recipe> before,
      @ForAll("edits") List<Recipe> during,
      @ForAll("remoteInserts") List<Recipe> remote,
      @ForAll @IntRange(min = 1, max = 6) int batchSize) {
    Client oneByOne = new Client(doc);
    Client bulk = new Client(doc);
    int length = CodePoints.count(doc);
    List<TextOperation> first = chain(length, before);
    int afterFirst = first.isEmpty() ? length : first.get(first.size() - 1).targetLength();
    List<TextOperation> second = chain(afterFirst, during);
    List<SequencedBatch> batches =
        remoteBatches(chain(length, remote), batchSize, bulk.sync.revision());
    List<List<SequencedBatch>> halves = pages(batches, Math.max(1, (batches.size() + 1) / 2));

    // One by one: every local edit is made before the remote ones arrive.
    first.forEach(oneByOne::edit);
    second.forEach(oneByOne::edit);
    batches.forEach(b -> oneByOne.take(oneByOne.sync.receive(b)));
    // Bulk: the second edits are made on the text shown while the rebase waits.
    first.forEach(bulk::edit);
    assertThat(bulk.sync.receiveDeferred(halves.get(0))).isEqualTo(-1);
    String shown = bulk.text;
    second.forEach(bulk::edit);
    assertThat(bulk.sync.localLength()).isEqualTo(CodePoints.count(bulk.text));
    for (int p = 1; p < halves.size(); p++) {
      assertThat(bulk.sync.receiveDeferred(halves.get(p))).isEqualTo(-1);
    }
    assertThat(shown).isEqualTo(first.stream().reduce(doc, (t, op) -> op.apply(t), (a, b) -> b));
    bulk.take(bulk.sync.rebase());

    assertThat(bulk.text).isEqualTo(oneByOne.text);
    assertThat(bulk.headPlusQueue(headText(bulk.log))).isEqualTo(bulk.text);
  }

  @Property
  void composeStack_equalsComposingOneAfterTheOther(
      @ForAll("documents") String doc, @ForAll("remoteEdits") List<Recipe> recipes) {
    List<TextOperation> ops = chain(CodePoints.count(doc), recipes);
    ComposeStack stack = new ComposeStack();
    TextOperation folded = null;
    for (TextOperation op : ops) {
      stack.add(op);
      folded = folded == null ? op : folded.compose(op);
    }
    assertThat(stack.count()).isEqualTo(ops.size());
    assertThat(stack.composed()).isEqualTo(folded);
    assertThat(stack.composed().apply(doc))
        .isEqualTo(ops.stream().reduce(doc, (t, op) -> op.apply(t), (a, b) -> b));
  }

  @Property
  void queueRebase_equalsTransformingPastEachQueuedOperationInTurn(
      @ForAll("documents") String doc,
      @ForAll("remoteEdits") List<Recipe> queue,
      @ForAll("remoteEdits") List<Recipe> remote) {
    int length = CodePoints.count(doc);
    List<TextOperation> queued = chain(length, queue);
    TextOperation composedRemote =
        chain(length, remote).stream().reduce(TextOperation::compose).orElseThrow();
    List<TextOperation> expected = new ArrayList<>();
    TextOperation r = composedRemote;
    for (TextOperation q : queued) {
      var pair = TextOperation.transform(q, r);
      expected.add(pair.aPrime());
      r = pair.bPrime();
    }
    QueueRebase.Result got = QueueRebase.rebase(queued, composedRemote);
    assertThat(got.queued()).isEqualTo(expected);
    assertThat(got.remote()).isEqualTo(r);
  }

  // ---- the rules around a pending rebase ----

  @Test
  void whileARebaseWaits_theCommandsThatNeedItRefuse() {
    Client c = new Client("abc");
    c.edit(TextOperation.splice(3, 3, 0, "!"));
    c.sync.receiveDeferred(remoteBatches(List.of(TextOperation.splice(3, 0, 0, "x")), 1, 1));
    assertThat(c.sync.deferredCount()).isEqualTo(1);
    assertThat(c.sync.revision()).isEqualTo(2);
    assertThat(c.text).isEqualTo("abc!"); // not shown yet
    assertThatThrownBy(c.sync::nextBatch).hasMessageContaining("rebased past 1 remote");
    assertThatThrownBy(c.sync::state).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> c.sync.acknowledge(1, 3, "alice", 0))
        .isInstanceOf(IllegalStateException.class);
    c.take(c.sync.rebase());
    assertThat(c.text).isEqualTo("xabc!");
    assertThat(c.sync.nextBatch()).isPresent();
  }

  @Test
  void receiveDeferred_skipsKnownBatchesAndStopsAtAGap() {
    Client c = new Client("abc");
    List<SequencedBatch> batches =
        remoteBatches(
            chain(3, List.of(recipe("x"), recipe("y"), recipe("z"))), 1, c.sync.revision());
    assertThat(c.sync.receiveDeferred(List.of(seed("abc"), batches.get(0)))).isEqualTo(-1);
    assertThat(c.sync.receiveDeferred(List.of(batches.get(2)))).isEqualTo(0);
    assertThat(c.sync.revision()).isEqualTo(2);
    c.take(c.sync.rebase());
    assertThat(c.text).isEqualTo("xabc");
  }

  @Test
  void receiveDeferred_refusesWhileABatchIsInFlight_orAnOwnBatchWhileEditsAreQueued() {
    Client c = new Client("abc");
    c.edit(TextOperation.splice(3, 0, 0, "!"));
    Batch sent = c.sync.nextBatch().orElseThrow();
    assertThatThrownBy(() -> c.sync.receiveDeferred(List.of())).hasMessageContaining("in flight");
    SequencedBatch own = new SequencedBatch(2, "alice", 0, sent);

    // Queued edits may be what this very batch carried (a profile brought back from a backup).
    Client restored = new Client("abc");
    restored.edit(TextOperation.splice(3, 0, 0, "!"));
    assertThatThrownBy(() -> restored.sync.receiveDeferred(List.of(own)))
        .hasMessageContaining("not the one in flight");
    assertThat(restored.sync.rebasePending()).isFalse();

    // Nothing queued: a batch of an earlier copy of the document, history like anyone's.
    Client again = new Client("abc");
    assertThat(again.sync.receiveDeferred(List.of(own))).isEqualTo(-1);
    again.take(again.sync.rebase());
    assertThat(again.text).isEqualTo("!abc");
    again.edit(TextOperation.splice(4, 0, 0, "?"));
    assertThat(again.sync.nextBatch().orElseThrow().batchSeq()).isGreaterThan(sent.batchSeq());
  }

  @Test
  void rebase_withNothingWaiting_appliesNothing() {
    Client c = new Client("abc");
    assertThat(c.sync.rebase().toApply()).isEmpty();
  }

  private static Recipe recipe(String insert) {
    return new Recipe(
        List.of(new OperationArbitraries.Step(OperationArbitraries.Kind.INSERT, 0, insert)), false);
  }

  private static String headText(MemoryLog log) {
    String t = "";
    for (TextOperation op : log.operations()) {
      t = op.apply(t);
    }
    return t;
  }
}
