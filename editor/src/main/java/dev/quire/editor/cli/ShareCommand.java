package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.ot.protocol.Role;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire share DOC USER ROLE}: lets another user of the relay read or edit a document. */
@Command(
    name = "share",
    mixinStandardHelpOptions = true,
    description = {
      "Gives USER a role on DOC at the relay: editor (read and edit), viewer (read only), or none"
          + " (no access).",
      "Only the document's owner, its creator, may. The document is synced first if the relay"
          + " does not have it yet."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:shared",
      "1:the relay refused (not the owner, an unknown user) or could not be reached",
      "2:a bad argument",
      "3:the profile cannot be opened"
    })
final class ShareCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC", description = "the document")
  String doc;

  @Parameters(index = "1", paramLabel = "USER", description = "a user of the relay")
  String user;

  @Parameters(index = "2", paramLabel = "ROLE", description = "editor, viewer or none")
  String role;

  @Mixin RelayOptions relayOptions;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "give up after this long (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  int run(LocalStore store, PrintWriter out) {
    Role r =
        switch (role) {
          case "editor" -> Role.EDITOR;
          case "viewer" -> Role.VIEWER;
          case "none" -> null;
          default ->
              throw new CliException(
                  ExitCodes.USAGE, "ROLE is editor, viewer or none, not " + role);
        };
    document(store, doc);
    SyncEngine.Config config = relayOptions.config(store, true);
    try (OwnerThread owner = OwnerThread.start("quire-owner")) {
      SyncEngine engine = new SyncEngine(store, owner, config);
      try {
        owner.run(
            () -> {
              engine.start();
              engine.open(doc);
            });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!owner.call(engine::isSettled)) {
          String fatal = owner.call(engine::fatalError);
          if (fatal != null) {
            throw new CliException(ExitCodes.FAILED, fatal);
          }
          if (System.nanoTime() > deadline) {
            throw new CliException(
                ExitCodes.FAILED,
                "not synced with the relay after "
                    + timeoutSeconds
                    + " s: "
                    + owner.call(
                        () ->
                            engine.offlineReason() != null
                                ? engine.offlineReason()
                                : engine.status().describe()));
          }
          Thread.sleep(50);
        }
        CompletableFuture<Void> answer = owner.call(() -> engine.share(doc, user, r));
        answer.get(timeoutSeconds, TimeUnit.SECONDS);
        return ExitCodes.OK;
      } catch (ExecutionException e) {
        throw new CliException(ExitCodes.FAILED, e.getCause().getMessage());
      } catch (TimeoutException e) {
        throw new CliException(ExitCodes.FAILED, "the relay did not answer");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.FAILED, "interrupted");
      } finally {
        owner.run(engine::stop);
        engine.close();
        await(store.flush());
      }
    }
  }
}
