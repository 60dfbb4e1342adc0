package dev.quire.editor.cli;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire show DOC [--rev N]}: prints a document's text. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the text of DOC exactly as it is (no newline added).",
      "Without --rev the local text, unsent edits included; with --rev N the text at revision N"
          + " of its history (0 is empty)."
    })
final class ShowCommand extends ProfileCommand {
  @Parameters(paramLabel = "DOC")
  String doc;

  @Option(names = "--rev", paramLabel = "N", description = "a revision from 0 to the head")
  Long revision;

  @Override
  int run(LocalStore store, PrintWriter out) {
    LocalDocument d = document(store, doc);
    String text;
    if (revision == null) {
      text = await(store.localText(doc));
    } else {
      if (revision < 0 || revision > d.head()) {
        throw new CliException(
            ExitCodes.USAGE,
            doc
                + " has revisions 0.."
                + d.head()
                + " (unsent edits have none yet), not "
                + revision);
      }
      text = await(store.textAt(doc, revision));
    }
    out.print(text);
    return ExitCodes.OK;
  }
}
