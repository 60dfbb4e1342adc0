package dev.quire.editor.cli;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quire delete DOC}: removes a document here at once, and from the relay at the next sync.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description =
        "Deletes DOC from this profile (text, history, unsent edits); the relay deletes its copy at"
            + " the next sync when you own the document.")
final class DeleteCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Option(
      names = "--force",
      description =
          "Delete even when DOC has edits the relay has not acknowledged (they are lost).")
  boolean force;

  @Override
  int run(LocalStore store, PrintWriter out) {
    LocalDocument d = document(store, doc);
    if (d.pending() > 0 && !force) {
      throw new CliException(
          ExitCodes.FAILED,
          doc
              + " has "
              + d.pending()
              + " edit(s) not on the relay, which deleting would lose; export it first, or"
              + " delete anyway with --force. Nothing was deleted");
    }
    if (!await(store.deleteDocument(doc, System.currentTimeMillis()))) {
      throw new CliException(ExitCodes.USAGE, "no document " + doc + " in this profile");
    }
    if (d.onRelay()) {
      spec.commandLine()
          .getErr()
          .println(
              "quire delete: " + doc + " is deleted here; the relay deletes it at the next sync");
    }
    return ExitCodes.OK;
  }
}
