package dev.quire.ot.protocol;

/**
 * What is known of a request that is refused: its {@code id}, {@code type} and document, each null
 * when it could not be read. An error names whatever of these was readable.
 */
public record RequestHeader(String id, String type, String doc) {
  /** Nothing is known: a binary frame, text that is not JSON. */
  public static final RequestHeader NONE = new RequestHeader(null, null, null);

  /** A request of {@code type} with no id known (for the relay's own checks). */
  public static RequestHeader of(String type) {
    return new RequestHeader(null, type, null);
  }

  /** The same request about {@code doc}. */
  public RequestHeader withDoc(String doc) {
    return new RequestHeader(id, type, doc);
  }
}
