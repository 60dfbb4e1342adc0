package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;

/** A document's comments and named versions, read from the profile without syncing. */
final class NotesOfDocument {
  private NotesOfDocument() {}

  /** The document opened on the calling thread, for reading. */
  static DocumentSession open(LocalStore store, String doc) {
    return ProfileCommand.await(DocumentSession.open(store, doc, Runnable::run, 1000));
  }

  /** {@code text} on one line: tabs, line breaks and backslashes escaped as {@code \t \n \\}. */
  static String oneLine(String text) {
    return text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n");
  }
}
