package dev.quire.ot.operation;

import java.util.Objects;

/**
 * One step of a {@link TextOperation}: keep, add or remove text. Lengths count Unicode code points,
 * never UTF-16 units, so no component can split a character.
 */
public sealed interface Component permits Component.Retain, Component.Insert, Component.Delete {

  /** Number of code points this component spans (kept, inserted or removed). */
  int length();

  /** Keeps {@code count} code points unchanged. */
  record Retain(int count) implements Component {
    public Retain {
      if (count <= 0) {
        throw new MalformedOperationException("retain count must be positive, was " + count);
      }
    }

    @Override
    public int length() {
      return count;
    }

    @Override
    public String toString() {
      return Integer.toString(count);
    }
  }

  /**
   * Inserts {@code text}. Its code-point length is stored, since every algorithm needs it and
   * counting is linear in the text. A final class rather than a record so that text the algorithms
   * cut at code-point boundaries from already-checked inserts is not checked again.
   */
  final class Insert implements Component {
    private final String text;
    private final int length;

    private Insert(String text, int length) {
      this.text = text;
      this.length = length;
    }

    /**
     * An insert of {@code text}.
     *
     * @throws MalformedOperationException when the text is empty or not valid Unicode
     */
    public static Insert of(String text) {
      Objects.requireNonNull(text, "text == null");
      if (text.isEmpty()) {
        throw new MalformedOperationException("insert text must not be empty");
      }
      return new Insert(text, CodePoints.countWellFormed(text));
    }

    /** For text known to be well formed and {@code length} code points long. */
    static Insert trusted(String text, int length) {
      return new Insert(text, length);
    }

    public String text() {
      return text;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Insert other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }

    @Override
    public String toString() {
      return '"' + text + '"';
    }
  }

  /** Removes {@code count} code points. */
  record Delete(int count) implements Component {
    public Delete {
      if (count <= 0) {
        throw new MalformedOperationException("delete count must be positive, was " + count);
      }
    }

    @Override
    public int length() {
      return count;
    }

    @Override
    public String toString() {
      return Integer.toString(-count);
    }
  }
}
