package dev.quire.editor.history;

/**
 * A history file that cannot be read or does not verify, naming where: the record (its line number,
 * 1 for the header) and, when known, the first revision that is bad.
 */
public final class HistoryFileException extends RuntimeException {
  private final long line;
  private final long revision;

  /**
   * @param line the line of the record, 1 for the header
   * @param revision the first bad revision, or -1 when the problem is not one revision's
   */
  public HistoryFileException(long line, long revision, String message) {
    super(message);
    this.line = line;
    this.revision = revision;
  }

  /** The line of the offending record (1 is the header). */
  public long line() {
    return line;
  }

  /** The first bad revision, or -1. */
  public long revision() {
    return revision;
  }
}
