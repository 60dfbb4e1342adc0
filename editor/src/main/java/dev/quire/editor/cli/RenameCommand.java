package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.protocol.Ids;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code quire rename DOC TITLE}: a new title, sent to the relay at the next sync. */
@Command(
    name = "rename",
    mixinStandardHelpOptions = true,
    description = "Gives DOC a new title; the relay gets it at the next sync.")
final class RenameCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Parameters(index = "1", paramLabel = "TITLE")
  String title;

  @Override
  int run(LocalStore store, PrintWriter out) {
    document(store, doc);
    try {
      Ids.requireTitle(title);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    await(store.rename(doc, title));
    return ExitCodes.OK;
  }
}
