package dev.quire.ot.operation;

import java.util.Objects;

/**
 * The result of {@link TextOperation#transform(TextOperation, TextOperation) transform(a, b)}:
 * {@code aPrime} applies after {@code b}, {@code bPrime} applies after {@code a}, and both paths
 * reach the same document.
 */
public record TransformedPair(TextOperation aPrime, TextOperation bPrime) {
  public TransformedPair {
    Objects.requireNonNull(aPrime, "aPrime == null");
    Objects.requireNonNull(bPrime, "bPrime == null");
  }
}
