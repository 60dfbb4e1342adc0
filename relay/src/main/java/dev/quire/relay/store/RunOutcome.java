package dev.quire.relay.store;

import java.util.Objects;

/**
 * What became of a run of appends handed to {@link BatchAppender#appendRun}: its first {@code
 * committed} appends are stored; the next one was not, for the reason {@code stop} gives (conflict,
 * duplicate or failed), and none after it was stored either (each was placed after it). When the
 * whole run is stored, {@code stop} is {@link AppendOutcome#COMMITTED}.
 */
public record RunOutcome(int committed, AppendOutcome stop) {
  public RunOutcome {
    if (committed < 0) {
      throw new IllegalArgumentException("committed < 0: " + committed);
    }
    Objects.requireNonNull(stop, "stop == null");
  }

  /** Every append of a run of {@code size} is stored. */
  public static RunOutcome allCommitted(int size) {
    return new RunOutcome(size, AppendOutcome.COMMITTED);
  }

  /** True when the whole run is stored. */
  public boolean isComplete() {
    return stop == AppendOutcome.COMMITTED;
  }
}
