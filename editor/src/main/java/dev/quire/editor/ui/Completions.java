package dev.quire.editor.ui;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;

/** Bringing the results of background work (store, files, relay) back to the event thread. */
final class Completions {
  private Completions() {}

  /**
   * Runs {@code then} on the event thread with {@code work}'s result once it is done, or tells
   * {@code problems} "{@code failure}: reason" when it failed.
   */
  static <T> void whenDone(
      CompletableFuture<T> work, String failure, Consumer<String> problems, Consumer<T> then) {
    work.whenComplete(
        (result, error) ->
            SwingUtilities.invokeLater(
                () -> {
                  if (error != null) {
                    problems.accept(failure + ": " + rootMessage(error));
                  } else {
                    then.accept(result);
                  }
                }));
  }

  /** The message of what went wrong, past the wrappers futures add. */
  static String rootMessage(Throwable t) {
    while (t.getCause() != null
        && (t instanceof CompletionException || t instanceof ExecutionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
