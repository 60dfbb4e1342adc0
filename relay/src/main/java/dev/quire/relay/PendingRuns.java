package dev.quire.relay;

import dev.quire.ot.protocol.WireSequenced;
import dev.quire.relay.SequencerState.ClientKey;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.HistoryStore.StoredBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The batches of a shared document sequenced and not yet stored (ADR 13), and what becomes of the
 * document's sequencer and head text when a run of them is decided: stored ones reach the head
 * text, the rest are taken back, and batches other writers stored meanwhile are taken in. Plain
 * state: it reads and writes nothing else, so it is tested without sockets, threads or storage, as
 * {@link Sequencer} is. Confined to the document's executor.
 */
final class PendingRuns {

  /**
   * A batch sequenced and not yet decided, with what to take back should it not be stored: its
   * client's latest batch before it, and the row before it.
   *
   * @param session who sent it (null: the relay's own)
   * @param sequencedIn the document's load count when it was sequenced: outcomes of batches
   *     sequenced before a reload are stale
   */
  record Placed(
      Session session,
      String rid,
      WireSequenced entry,
      HistoryStore.Append append,
      ClientKey client,
      StoredBatch previous,
      DocumentRow rowBefore,
      long sequencedIn) {}

  /** What taking in other writers' batches came to. */
  enum TakeIn {
    /** All were taken in: the sequencer and the head text are at the new head. */
    TAKEN,
    /** They do not follow on from what the document holds: nothing changed; it must be read. */
    NOT_FOLLOWING,
    /** Some were taken in, then one could not be: the state is spoilt and must be read again. */
    STATE_LOST
  }

  // Batches sequenced since the last run was handed to the appender.
  private final List<Placed> forming = new ArrayList<>();

  /**
   * Adds a batch just sequenced to the next run.
   *
   * @return true when it is the first: the run is to be handed over once the submits queued behind
   *     it are sequenced too
   */
  boolean add(Placed p) {
    forming.add(p);
    return forming.size() == 1;
  }

  /** The batches sequenced since the last run, as the next one (empty when none); forgets them. */
  List<Placed> takeRun() {
    List<Placed> run = List.copyOf(forming);
    forming.clear();
    return run;
  }

  /**
   * The first {@code committed} batches of {@code run} are stored: those sequenced in the
   * document's current load ({@code epoch}) reach its head text.
   */
  static void stored(
      List<Placed> run, int committed, SequencerState st, PayloadPolicy policy, long epoch) {
    for (int i = 0; i < committed; i++) {
      Placed p = run.get(i);
      if (p.sequencedIn() == epoch && st != null) {
        policy.stored(st, p.entry().batch().size());
      }
    }
  }

  /**
   * Takes the batches of {@code rest} (the last ones sequenced, in order) back out of the sequencer
   * and the head text.
   *
   * @return the row as it was before them, or null when they cannot be taken back (they are not the
   *     last ones sequenced, or there is no state): the state must be read again
   */
  static DocumentRow takeBack(SequencerState st, PayloadPolicy policy, List<Placed> rest) {
    if (st == null) {
      return null;
    }
    try {
      for (int i = rest.size() - 1; i >= 0; i--) {
        Placed p = rest.get(i);
        st.sequencer().takeBack(p.entry(), p.client(), p.previous());
      }
    } catch (IllegalStateException e) { // not the last ones sequenced: read it all again
      return null;
    }
    policy.takeBackPending(st);
    return rest.get(0).rowBefore();
  }

  /**
   * Takes in {@code missed}, batches other writers stored after the sequencer's head up to {@code
   * head}, handing each to {@code taken} (for the subscribers) as it goes in.
   *
   * @param subscribersHead the last revision the subscribers have (Long.MAX_VALUE when there are
   *     none): when they lack more than these batches, they are not taken in here
   */
  static TakeIn takeIn(
      SequencerState st,
      PayloadPolicy policy,
      long subscribersHead,
      List<HistoryStore.StoredEntry> missed,
      long head,
      Consumer<WireSequenced> taken) {
    Sequencer sequencer = st.sequencer();
    long at = sequencer.head();
    if (subscribersHead < at) {
      return TakeIn.NOT_FOLLOWING;
    }
    for (HistoryStore.StoredEntry m : missed) {
      if (m.entry().firstRevision() != at + 1
          || (policy.readsPayloads() && st.text() != null && m.canonical() == null)) {
        return TakeIn.NOT_FOLLOWING;
      }
      at = m.entry().lastRevision();
    }
    if (at != head) {
      return TakeIn.NOT_FOLLOWING;
    }
    for (HistoryStore.StoredEntry m : missed) {
      if (!policy.takeIn(st, m.canonical())) {
        return TakeIn.STATE_LOST;
      }
      sequencer.takeIn(m.entry(), m.digest());
      taken.accept(m.entry());
    }
    return TakeIn.TAKEN;
  }
}
