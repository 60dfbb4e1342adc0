package dev.quire.editor.cli;

import dev.quire.editor.crypto.Keyring;
import dev.quire.editor.store.LocalStore;
import dev.quire.ot.protocol.Ids;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quire new}: a new empty local document, encrypted end to end on request; prints its id.
 */
@Command(
    name = "new",
    mixinStandardHelpOptions = true,
    description = {
      "Creates an empty local document and prints its id. It is created on the relay at the next"
          + " sync.",
      "With --encrypted its text and comments are encrypted on this device: the relay stores"
          + " only ciphertext (see docs/encryption.md)."
    })
final class NewCommand extends ProfileCommand {
  @Option(names = "--title", description = "the title (default: Untitled)")
  String title = "Untitled";

  @Option(names = "--id", description = "the document id (default: a new random id)")
  String id;

  @Option(
      names = "--encrypted",
      description = "encrypt the document end to end (its title stays readable by the relay)")
  boolean encrypted;

  @Override
  int run(LocalStore store, PrintWriter out) {
    String docId = id != null ? id : ImportCommand.newId();
    try {
      Ids.requireDocumentId(docId);
      Ids.requireTitle(title);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    if (!await(store.createDocument(docId, title, System.currentTimeMillis(), false, List.of()))) {
      throw new CliException(ExitCodes.USAGE, "a document " + docId + " exists already");
    }
    if (encrypted) {
      Keyring keyring = await(Keyring.load(store));
      await(keyring.newDocument(docId));
    }
    out.println(docId);
    return ExitCodes.OK;
  }
}
