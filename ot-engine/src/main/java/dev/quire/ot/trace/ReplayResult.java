package dev.quire.ot.trace;

/**
 * The outcome of replaying a trace.
 *
 * @param transactions transactions replayed
 * @param patches patches replayed (each becomes one operation, or part of one)
 * @param elapsedNanos replay time, parsing excluded
 * @param finalText the text the replay ended with
 * @param expectedText the trace's recorded end text
 */
public record ReplayResult(
    int transactions, int patches, long elapsedNanos, String finalText, String expectedText) {

  public boolean matches() {
    return finalText.equals(expectedText);
  }

  /** Code-point index of the first difference from the expected text, or -1 when equal. */
  public int firstDifference() {
    int n = Math.min(finalText.length(), expectedText.length());
    for (int i = 0; i < n; i++) {
      if (finalText.charAt(i) != expectedText.charAt(i)) {
        return finalText.codePointCount(0, i);
      }
    }
    return matches() ? -1 : finalText.codePointCount(0, n);
  }
}
