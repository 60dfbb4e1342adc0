package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.ShownComment;
import dev.quire.ot.note.CommentThread;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code quire comments DOC}: the comments on a document, with their replies. */
@Command(
    name = "comments",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the comments on DOC, oldest first, each followed by its replies.",
      "A comment: ID, FROM, TO (code points of the local text it is about), AUTHOR, STATE"
          + " (open, resolved, or unsent), TEXT. A reply: an empty field, then ID, AUTHOR, TEXT."
          + " Tab-separated; tabs, line breaks and backslashes in texts are written \\t, \\n, \\\\."
    })
final class CommentsCommand extends ProfileCommand {
  @Parameters(paramLabel = "DOC")
  String doc;

  @Override
  int run(LocalStore store, PrintWriter out) {
    document(store, doc);
    for (ShownComment c : NotesOfDocument.open(store, doc).comments()) {
      String state = !c.sent() ? "unsent" : c.resolved() ? "resolved" : "open";
      out.println(
          c.id()
              + "\t"
              + c.anchor().from()
              + "\t"
              + c.anchor().to()
              + "\t"
              + (c.author() == null ? "(you)" : c.author())
              + "\t"
              + state
              + "\t"
              + NotesOfDocument.oneLine(c.text()));
      for (CommentThread.Reply r : c.replies()) {
        out.println("\t" + r.id() + "\t" + r.author() + "\t" + NotesOfDocument.oneLine(r.text()));
      }
    }
    return ExitCodes.OK;
  }
}
