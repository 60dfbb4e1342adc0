package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.ot.protocol.TrashedDocument;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire trash [list|restore DOC|purge DOC|empty]}: the relay's trash of this user. */
@Command(
    name = "trash",
    mixinStandardHelpOptions = true,
    description = {
      "Shows or changes your trash at the relay: the documents you deleted, kept with their"
          + " history until you restore or purge them, or until the relay purges them (after 30"
          + " days unless the relay is set otherwise).",
      "list (the default): one document a line, tab-separated: ID, HEAD revision, DELETED and"
          + " PURGE-AT (UTC), TITLE.",
      "restore DOC: the document is live again, for you and everyone it was shared with, and"
          + " comes back to this profile with its whole history.",
      "purge DOC: removes the document from the relay for good. empty: purges every document in"
          + " the trash."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the relay refused (not in your trash) or could not be reached",
      "2:a bad argument",
      "3:the profile cannot be opened"
    })
final class TrashCommand extends ProfileCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ACTION",
      defaultValue = "list",
      description = "list, restore, purge or empty (default: list)")
  String action;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DOC", description = "the document")
  String doc;

  @Mixin RelayOptions relayOptions;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "give up after this long (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  int run(LocalStore store, PrintWriter out) {
    boolean needsDoc = action.equals("restore") || action.equals("purge");
    if (!needsDoc && !action.equals("list") && !action.equals("empty")) {
      throw new CliException(
          ExitCodes.USAGE, "ACTION is list, restore, purge or empty, not " + action);
    }
    if (needsDoc != (doc != null)) {
      throw new CliException(
          ExitCodes.USAGE,
          needsDoc
              ? action + " needs the document: trash " + action + " DOC"
              : "DOC is only for restore and purge");
    }
    SyncEngine.Config config = relayOptions.config(store, true);
    try (RelayRequests relay = RelayRequests.connect(store, config, timeoutSeconds)) {
      switch (action) {
        case "list" -> list(relay.answer(SyncEngine::trash), out);
        case "restore" -> {
          relay.answer(e -> e.restore(doc));
          awaitSettled(relay); // its history comes to this profile
          out.println("restored " + doc);
        }
        case "purge" -> {
          relay.answer(e -> e.purge(doc));
          out.println("purged " + doc);
        }
        default -> out.println("purged " + relay.answer(SyncEngine::emptyTrash) + " document(s)");
      }
      return ExitCodes.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }

  private static void list(List<TrashedDocument> trash, PrintWriter out) {
    for (TrashedDocument d : trash) {
      out.println(
          d.doc()
              + "\t"
              + d.head()
              + "\t"
              + utc(d.deletedMillis())
              + "\t"
              + utc(d.purgeAtMillis())
              + "\t"
              + d.title());
    }
  }

  private static String utc(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static void awaitSettled(RelayRequests relay) throws InterruptedException {
    OwnerThread owner = relay.owner();
    SyncEngine engine = relay.engine();
    while (!owner.call(engine::isSettled)) {
      if (relay.pastDeadline()) {
        throw new CliException(
            ExitCodes.FAILED,
            "restored, but not synced here after "
                + relay.timeoutSeconds()
                + " s: "
                + owner.call(() -> engine.status().describe())
                + "; the next sync brings it");
      }
      Thread.sleep(20); // bounded poll (deadline above)
    }
  }
}
