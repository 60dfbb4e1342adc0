package dev.quire.ot.sync;

import dev.quire.ot.operation.TextOperation;
import java.util.List;

/**
 * What a {@link ClientSync} did with a batch from the relay.
 *
 * @param status whether it was taken, already known, or could not be taken yet
 * @param toApply the operations to apply to the local document, in order (empty unless applied;
 *     empty too for the client's own batch, whose effect the document already shows)
 */
public record Delivery(Status status, List<TextOperation> toApply) {

  public Delivery {
    toApply = List.copyOf(toApply);
  }

  public enum Status {
    /** Taken into the log. */
    APPLIED,
    /** Already in the log: a duplicate delivery, ignored. */
    DUPLICATE,
    /** Revisions are missing before it: catch up from {@link ClientSync#revision()} first. */
    GAP
  }

  static final Delivery DUPLICATE = new Delivery(Status.DUPLICATE, List.of());
  static final Delivery GAP = new Delivery(Status.GAP, List.of());
}
