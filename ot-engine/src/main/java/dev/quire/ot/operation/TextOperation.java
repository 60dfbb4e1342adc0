package dev.quire.ot.operation;

import dev.quire.ot.operation.Component.Delete;
import dev.quire.ot.operation.Component.Insert;
import dev.quire.ot.operation.Component.Retain;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An edit of a whole document: a sequence of retain, insert and delete components that walks the
 * document from start to end. The model and the algorithms are those of ot.js; lengths and
 * positions are Unicode code points.
 *
 * <p>Instances are immutable and always normalised (adjacent components of one kind merged, an
 * insert placed before a delete at the same position, no empty components), so two operations with
 * the same effect on the same document length are {@link #equals equal}.
 */
public final class TextOperation {
  private static final Component[] NONE = new Component[0];

  private final Component[] components;
  private final int baseLength;
  private final int targetLength;
  // The shape of most edits, [retain p] [insert] [delete d] [retain], known at construction so that
  // transform can take a short path: editPosition is p, or -1 for any other shape.
  private final int editPosition;
  private final @Nullable Insert editInsert;
  private final int editDelete;

  private TextOperation(Component[] components, int baseLength, int targetLength) {
    this.components = components;
    this.baseLength = baseLength;
    this.targetLength = targetLength;
    int i = 0;
    int position = 0;
    if (i < components.length && components[i] instanceof Retain r) {
      position = r.count();
      i++;
    }
    Insert insert = null;
    if (i < components.length && components[i] instanceof Insert ins) {
      insert = ins;
      i++;
    }
    int delete = 0;
    if (i < components.length && components[i] instanceof Delete d) {
      delete = d.count();
      i++;
    }
    if (i < components.length && components[i] instanceof Retain) {
      i++;
    }
    boolean singleEdit = i == components.length && (insert != null || delete > 0);
    this.editPosition = singleEdit ? position : -1;
    this.editInsert = insert;
    this.editDelete = delete;
  }

  /** Where this operation's single edit is, or -1 when it is not a single edit. */
  int editPosition() {
    return editPosition;
  }

  /** The single edit's insert, or null. */
  @Nullable Insert editInsert() {
    return editInsert;
  }

  int editInsertLength() {
    return editInsert == null ? 0 : editInsert.length();
  }

  /** The single edit's delete count. */
  int editDelete() {
    return editDelete;
  }

  /** A builder for an operation; see {@link Builder} for the normalisation it applies. */
  public static Builder builder() {
    return new Builder();
  }

  /** The operation that changes nothing in a document of {@code length} code points. */
  public static TextOperation identity(int length) {
    return builder().retain(length).build();
  }

  /**
   * The operation that, in a document of {@code documentLength} code points, deletes {@code
   * deleteCount} code points at {@code position} and inserts {@code text} there: the shape of an
   * editor keystroke or paste.
   */
  public static TextOperation splice(
      int documentLength, int position, int deleteCount, String text) {
    if (documentLength < 0
        || position < 0
        || deleteCount < 0
        || position > documentLength - deleteCount) {
      throw new OperationMismatchException(
          "splice at "
              + position
              + " deleting "
              + deleteCount
              + " does not fit a document of "
              + documentLength
              + " code points");
    }
    Objects.requireNonNull(text, "text == null");
    Insert insert = text.isEmpty() ? null : Insert.of(text);
    return singleEdit(position, insert, deleteCount, documentLength - position - deleteCount);
  }

  /**
   * The normalised operation {@code [retain position] [insert] [delete] [retain after]}, built
   * directly: the shape of nearly every edit, made often enough (every keystroke, every transform
   * of one) to skip the builder.
   */
  static TextOperation singleEdit(int position, @Nullable Insert insert, int delete, int after) {
    int n = (position > 0 ? 1 : 0) + (insert != null ? 1 : 0) + (delete > 0 ? 1 : 0);
    if (n == 0 || (insert == null && delete == 0)) {
      return identity(position + after);
    }
    Component[] components = new Component[n + (after > 0 ? 1 : 0)];
    int i = 0;
    if (position > 0) {
      components[i++] = new Retain(position);
    }
    if (insert != null) {
      components[i++] = insert;
    }
    if (delete > 0) {
      components[i++] = new Delete(delete);
    }
    if (after > 0) {
      components[i] = new Retain(after);
    }
    int base = Builder.grow(Builder.grow(position, delete), after);
    int target = Builder.grow(Builder.grow(position, insert == null ? 0 : insert.length()), after);
    return new TextOperation(components, base, target);
  }

  /** An operation made of exactly these components, normalised. */
  public static TextOperation of(List<? extends Component> components) {
    Builder b = builder();
    for (Component c : components) {
      b.add(c);
    }
    return b.build();
  }

  /** The components, normalised. */
  public List<Component> components() {
    return List.of(components);
  }

  /** Number of components; with {@link #component} a way to walk them without copying. */
  public int componentCount() {
    return components.length;
  }

  /** The component at {@code index}. */
  public Component component(int index) {
    return components[index];
  }

  /** Length in code points of the document this operation applies to. */
  public int baseLength() {
    return baseLength;
  }

  /** Length in code points of the document this operation produces. */
  public int targetLength() {
    return targetLength;
  }

  /** True when applying this operation changes nothing (it only retains). */
  public boolean isNoop() {
    return components.length == 0 || (components.length == 1 && components[0] instanceof Retain);
  }

  /**
   * Applies this operation to {@code document}.
   *
   * @throws OperationMismatchException when the document's length is not {@link #baseLength}
   */
  public String apply(String document) {
    Objects.requireNonNull(document, "document == null");
    // A UTF-16 length equal to the base length does not prove a match: "\uD83D\uDE00" is 2 units
    // but 1 code point. Count, then take the fast path only for text without surrogate pairs.
    int documentLength = CodePoints.count(document);
    if (documentLength != baseLength) {
      throw new OperationMismatchException(
          "operation's base length "
              + baseLength
              + " does not match the document's length "
              + documentLength);
    }
    boolean bmpOnly = document.length() == documentLength;
    StringBuilder out = new StringBuilder(document.length() + targetLength - baseLength);
    int at = 0; // UTF-16 index into document
    for (Component c : components) {
      if (c instanceof Insert insert) {
        out.append(insert.text());
        continue;
      }
      int next = bmpOnly ? at + c.length() : document.offsetByCodePoints(at, c.length());
      if (c instanceof Retain) {
        out.append(document, at, next);
      }
      at = next;
    }
    return out.toString();
  }

  /**
   * The operation with the effect of this one followed by {@code next}.
   *
   * @throws OperationMismatchException when {@code next} does not apply to this one's result
   */
  public TextOperation compose(TextOperation next) {
    return Composer.compose(this, next);
  }

  /**
   * Transforms a chain of operations ({@code ops}, each applying after the one before) past
   * operations made concurrently on the same text ({@code concurrent}, also a chain): the first of
   * {@code ops} past every concurrent one in turn, then the next past the concurrent ones as
   * transformed past the first, and so on. The result is exactly that of calling {@link #transform}
   * pair by pair, computed without building intermediate operations when every operation is a
   * single edit. {@code concurrent} is not changed.
   */
  public static List<TextOperation> transformPast(
      List<TextOperation> ops, List<TextOperation> concurrent) {
    return BatchTransform.past(ops, concurrent);
  }

  /**
   * Transforms two concurrent operations on the same document: returns {@code (a', b')} such that
   * {@code b'} applied after {@code a} equals {@code a'} applied after {@code b}. When both insert
   * at one position, {@code a}'s text comes first: pass the operation being transformed into the
   * history (the later one in server order) as {@code a}, as ot.js does.
   *
   * @throws OperationMismatchException when the base lengths differ
   */
  public static TransformedPair transform(TextOperation a, TextOperation b) {
    return Transformer.transform(a, b);
  }

  /**
   * The operation that undoes this one. Deleted text is not stored in an operation, so the document
   * as it was before this operation is needed.
   *
   * @throws OperationMismatchException when {@code documentBefore} does not fit this operation
   */
  public TextOperation invert(String documentBefore) {
    return Inverter.invert(this, documentBefore);
  }

  Component[] componentArray() {
    return components;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TextOperation other
        && baseLength == other.baseLength
        && Arrays.equals(components, other.components);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(components);
  }

  /** The ot.js JSON form, for example {@code [5, "abc", -3, 2]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < components.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(components[i]);
    }
    return sb.append(']').toString();
  }

  /**
   * Builds a normalised operation. Zero-length calls are ignored; adjacent components of one kind
   * merge; an insert after a delete is moved before it (both orders have the same effect, one is
   * chosen so that equal effects give equal operations).
   */
  public static final class Builder {
    // Normalising as we go: the components so far, then either a run of retains or a run of edits
    // (inserted text, then a delete count) that has not been committed yet.
    private Component[] items = new Component[4];
    private int size;
    private int retainRun;
    private @Nullable Insert
        pendingInsert; // the run's text while it is a single insert, to reuse it
    private @Nullable StringBuilder insertRun; // the run's text once a second insert joins it
    private int insertRunLength;
    private int deleteRun;
    private int baseLength;
    private int targetLength;

    private Builder() {}

    /** Keeps the next {@code count} code points. */
    public Builder retain(int count) {
      requireNonNegative("retain", count);
      if (count == 0) {
        return this;
      }
      baseLength = grow(baseLength, count);
      targetLength = grow(targetLength, count);
      commitEdits();
      retainRun += count;
      return this;
    }

    /**
     * Inserts {@code text} at the current position.
     *
     * @throws MalformedOperationException when {@code text} is not valid Unicode
     */
    public Builder insert(String text) {
      Objects.requireNonNull(text, "text == null");
      return text.isEmpty() ? this : insert(Insert.of(text));
    }

    /** Inserts text already known to be well formed and {@code length} code points long. */
    Builder insert(String text, int length) {
      return insert(Insert.trusted(text, length));
    }

    private Builder insert(Insert insert) {
      targetLength = grow(targetLength, insert.length());
      commitRetain();
      if (insertRunLength == 0) {
        pendingInsert = insert;
      } else {
        if (insertRun == null) {
          insertRun = new StringBuilder();
        }
        if (pendingInsert != null) {
          insertRun.setLength(0);
          insertRun.append(pendingInsert.text());
          pendingInsert = null;
        }
        insertRun.append(insert.text());
      }
      insertRunLength += insert.length();
      return this;
    }

    /** Deletes the next {@code count} code points. */
    public Builder delete(int count) {
      requireNonNegative("delete", count);
      if (count == 0) {
        return this;
      }
      baseLength = grow(baseLength, count);
      commitRetain();
      deleteRun += count;
      return this;
    }

    /** Appends a component of any kind. */
    public Builder add(Component c) {
      Objects.requireNonNull(c, "component == null");
      if (c instanceof Retain r) {
        return retain(r.count());
      } else if (c instanceof Insert i) {
        return insert(i);
      } else {
        return delete(((Delete) c).count());
      }
    }

    public TextOperation build() {
      commitRetain();
      commitEdits();
      Component[] array = size == 0 ? NONE : Arrays.copyOf(items, size);
      return new TextOperation(array, baseLength, targetLength);
    }

    private void commitRetain() {
      if (retainRun > 0) {
        push(new Retain(retainRun));
        retainRun = 0;
      }
    }

    private void commitEdits() {
      if (insertRunLength > 0) {
        push(
            pendingInsert != null
                ? pendingInsert
                : Insert.trusted(
                    Objects.requireNonNull(insertRun, "insertRun").toString(), insertRunLength));
        pendingInsert = null;
        insertRunLength = 0;
      }
      if (deleteRun > 0) {
        push(new Delete(deleteRun));
        deleteRun = 0;
      }
    }

    private void push(Component c) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = c;
    }

    private static void requireNonNegative(String what, int count) {
      if (count < 0) {
        throw new MalformedOperationException(what + " count must not be negative, was " + count);
      }
    }

    private static int grow(int length, int by) {
      int sum = length + by;
      if (sum < 0) {
        throw new MalformedOperationException(
            "operation longer than " + Integer.MAX_VALUE + " code points");
      }
      return sum;
    }
  }
}
