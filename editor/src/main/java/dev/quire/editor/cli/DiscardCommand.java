package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.OwnerThread;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code quire discard DOC}: drops DOC's edits the relay has not acknowledged, such as a viewer's,
 * which the relay refuses.
 */
@Command(
    name = "discard",
    mixinStandardHelpOptions = true,
    description = {
      "Drops DOC's unsent edits and comments, bringing DOC back to the relay's text as this"
          + " profile last received it.",
      "For a document where you became a viewer while holding edits: the relay refuses them"
          + " (state 'refused'). Keep them first with 'quire export DOC FILE'. Works offline; the"
          + " relay is told nothing, as it never took them."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:DOC holds no unsent edit any more",
      "1:some of them were sent and the relay may have taken them (you may edit DOC): sync first",
      "2:no such document",
      "3:the profile cannot be opened"
    })
final class DiscardCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Override
  int run(LocalStore store, PrintWriter out) {
    document(store, doc);
    int dropped;
    try (OwnerThread owner = OwnerThread.start("quire-owner")) {
      DocumentSession session = await(DocumentSession.open(store, doc, owner, 1000));
      try {
        dropped = owner.call(session::discardUnsent);
      } catch (IllegalStateException e) {
        throw new CliException(ExitCodes.FAILED, e.getMessage());
      }
      await(store.flush());
    }
    out.println("discarded " + SyncCommand.plural(dropped, "unsent edit") + " of " + doc);
    return ExitCodes.OK;
  }
}
