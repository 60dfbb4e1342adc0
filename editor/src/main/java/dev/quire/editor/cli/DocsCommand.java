package dev.quire.editor.cli;

import dev.quire.editor.crypto.Keyring;
import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code quire docs}: the profile's documents with their sync state. */
@Command(
    name = "docs",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the profile's documents, one a line.",
      "Tab-separated: ID, STATE (local | synced | unsent | error), HEAD revision, unsent EDITS,"
          + " TITLE; the line of an end-to-end encrypted document ends with a sixth field,"
          + " 'encrypted'."
    })
final class DocsCommand extends ProfileCommand {
  @Override
  int run(LocalStore store, PrintWriter out) {
    Keyring keyring = await(Keyring.load(store));
    for (LocalDocument d : await(store.documents())) {
      out.println(
          d.id()
              + "\t"
              + d.syncState()
              + "\t"
              + d.head()
              + "\t"
              + d.pending()
              + "\t"
              + d.title()
              + (keyring.isEncrypted(d.id()) ? "\tencrypted" : ""));
    }
    return ExitCodes.OK;
  }
}
