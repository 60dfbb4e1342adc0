package dev.quire.editor.cli;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.editor.sync.SyncStatus;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code quire sync}: syncs every document with the relay, once or continuously. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "Syncs every document of the profile with the relay.",
      "It sends unsent edits and documents made offline, receives what others did, and adds the"
          + " relay's documents this profile lacks. Without --watch it stops once everything is"
          + " synced (or --timeout passes) and lists the documents as 'quire docs' does. --relay,"
          + " --token, --name and --colour are remembered."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every document is synced",
      "1:some document could not be synced (stderr says why), the timeout passed, or the relay"
          + " needs a refill that was not confirmed",
      "2:a bad option (no relay known, a malformed URL)",
      "3:the profile cannot be opened"
    })
final class SyncCommand extends ProfileCommand {
  @Mixin RelayOptions relayOptions;

  @Option(names = "--watch", description = "keep syncing until stopped, printing each change")
  boolean watch;

  @Option(
      names = "--refill",
      description =
          "upload to the relay, without asking, what it lacks of this profile's documents: those"
              + " this profile owns, with their whole history, and the end of histories it has less"
              + " of; and take a relay with another identity (one that lost its data) as this"
              + " profile's relay from now on")
  boolean refill;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "end after this long, counted from the start of the command: without --watch, give up"
              + " if not synced by then (default: 60); with --watch, stop watching (default: watch"
              + " until stopped)")
  Integer timeout;

  /** Seconds the command may take: --timeout, or 60 without --watch; 0 for no bound. */
  private int timeoutSeconds;

  @Override
  int run(LocalStore store, PrintWriter out) {
    if (timeout != null && timeout < 1) {
      throw new CliException(
          ExitCodes.USAGE, "--timeout must be at least 1 second, was " + timeout);
    }
    timeoutSeconds = timeout != null ? timeout : watch ? 0 : 60;
    SyncEngine.Config config = relayOptions.config(store, true);
    PrintWriter err = spec.commandLine().getErr();
    try (OwnerThread owner = OwnerThread.start("quire-owner")) {
      SyncEngine engine = new SyncEngine(store, owner, config);
      // Completes once every local document is open in the engine: until then an engine that
      // looks settled may simply not hold a large document yet.
      CompletableFuture<CompletableFuture<Void>> opening = new CompletableFuture<>();
      try {
        owner.run(
            () -> {
              engine.addListener(listener(engine, out, err));
              engine.addListener(refillQuestion(engine, owner, err));
              if (refill) {
                engine.confirmRefill();
              }
              engine.start();
              opening.complete(engine.syncAllDocuments());
            });
        if (watch) {
          if (!watchUntilTimeout(store)) {
            return ExitCodes.OK; // stopped from within (tests)
          }
          return endOfWatch(owner, engine, store, err);
        }
        boolean settled;
        SyncProgress doing = new SyncProgress(engine);
        try (Progress progress = Progress.start(err, () -> owner.call(doing::step))) {
          activeProgress = progress;
          settled = waitSettled(owner, engine, opening.join());
          Throwable notOpened = opening.join().handle((v, e) -> e).getNow(null);
          if (notOpened != null) {
            err.println("quire sync: a document could not be opened: " + rootMessage(notOpened));
          }
        } finally {
          activeProgress = null;
        }
        String fatal = owner.call(engine::fatalError);
        String unreachable = owner.call(() -> whyUnreachable(engine));
        String status = owner.call(engine::status).describe();
        owner.run(engine::stop);
        await(store.flush());
        if (fatal != null || refillRefused) {
          return ExitCodes.FAILED; // the listener has said why, once
        }
        int failed = 0;
        int unsent = 0;
        int unsentDocs = 0;
        for (LocalDocument d : await(store.documents())) {
          unsent += d.pending();
          unsentDocs += d.pending() > 0 ? 1 : 0;
          out.println(
              d.id()
                  + "\t"
                  + d.syncState()
                  + "\t"
                  + d.head()
                  + "\t"
                  + d.pending()
                  + "\t"
                  + d.title());
          if (!d.syncState().equals("synced")) {
            failed++;
          }
        }
        adviseRefused(await(store.documents()), err);
        if (!settled) {
          notSynced(err, unsent, unsentDocs, unreachable != null ? unreachable : status);
          return ExitCodes.FAILED;
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
      } finally {
        engine.close();
      }
    }
  }

  /**
   * For each document whose unsent edits the relay refuses (a viewer's), how to keep or drop them.
   */
  private static void adviseRefused(List<LocalDocument> documents, PrintWriter err) {
    for (LocalDocument d : documents) {
      if (d.syncState().equals("refused")) {
        err.println(
            "quire sync: "
                + d.id()
                + ": to keep your "
                + plural(d.pending(), "unsent edit")
                + ", 'quire export "
                + d.id()
                + " FILE' writes the local text with them; then 'quire discard "
                + d.id()
                + "' drops them, and "
                + d.id()
                + " syncs as a viewer's copy");
      }
    }
  }

  /** "not synced after 20 s: 2781 edits unsent in 1 document; WHY" on stderr. */
  private void notSynced(PrintWriter err, int unsent, int unsentDocs, String why) {
    err.println(
        "quire sync: not synced after "
            + timeoutSeconds
            + " s: "
            + (unsent > 0 ? plural(unsent, "edit") + " unsent in " : "")
            + (unsent > 0 ? plural(unsentDocs, "document") + "; " : "")
            + why);
  }

  /**
   * {@code --watch} ended by its {@code --timeout}: 0 when every document is synced then, else 1,
   * saying why on stderr as sync without --watch does (stdout keeps only the watch lines).
   */
  private int endOfWatch(OwnerThread owner, SyncEngine engine, LocalStore store, PrintWriter err) {
    String fatal = owner.call(engine::fatalError);
    String unreachable = owner.call(() -> whyUnreachable(engine));
    String status = owner.call(engine::status).describe();
    owner.run(engine::stop);
    await(store.flush());
    if (fatal != null) {
      return ExitCodes.FAILED; // the listener has said why, once
    }
    List<LocalDocument> documents = await(store.documents());
    int unsent = 0;
    int unsentDocs = 0;
    boolean allSynced = true;
    for (LocalDocument d : documents) {
      unsent += d.pending();
      unsentDocs += d.pending() > 0 ? 1 : 0;
      allSynced &= d.syncState().equals("synced");
    }
    if (allSynced) {
      return ExitCodes.OK;
    }
    adviseRefused(documents, err);
    notSynced(err, unsent, unsentDocs, unreachable != null ? unreachable : status);
    return ExitCodes.FAILED;
  }

  private volatile Progress activeProgress; // while sync's progress is on stderr

  /** Prints a message on stderr, through the progress bar when one is shown. */
  private void say(PrintWriter err, String message) {
    Progress p = activeProgress;
    if (p != null) {
      p.message(message);
    } else {
      err.println(message);
      err.flush();
    }
  }

  /** "1 edit", "2 edits". */
  static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** Why the relay is not reached at the end: the last failure, or that it never answered. */
  private static String whyUnreachable(SyncEngine engine) {
    if (engine.offlineReason() != null) {
      return engine.offlineReason();
    }
    return engine.isConnecting() ? "no answer from " + engine.relay() + " yet" : null;
  }

  private SyncEngine.Listener listener(SyncEngine engine, PrintWriter out, PrintWriter err) {
    return new SyncEngine.Listener() {
      private final Map<String, String> printed = new HashMap<>();
      private String lastLost;

      @Override
      public void statusChanged(SyncStatus status) {
        if (!watch) {
          return;
        }
        // One line per document whose state changed, naming it.
        for (DocumentSession s : engine.sessions()) {
          String now = s.status().describe();
          if (!now.equals(printed.put(s.id(), now))) {
            out.println(Instant.now() + "\t" + s.id() + "\t" + now);
          }
        }
        out.flush();
      }

      @Override
      public void problem(String doc, String message) {
        say(err, "quire sync: " + (doc == null ? "" : doc + ": ") + message);
      }

      @Override
      public void connectionLost(String reason) {
        if (!reason.equals(lastLost)) { // said once, not at every retry
          lastLost = reason;
          say(
              err,
              "quire sync: " + reason + "; trying again" + (watch ? "" : " until the timeout"));
        }
      }

      /**
       * Says which relay: always when there are several (and which were passed over), and with one
       * when it is back after being out of reach.
       */
      @Override
      public void connected(URI relay, String passedOver) {
        boolean again = lastLost != null;
        lastLost = null;
        if (again || engine.relays().size() > 1) {
          say(
              err,
              "quire sync: connected to "
                  + relay
                  + (again ? " again" : "")
                  + (passedOver == null ? "" : " (" + passedOver + ")"));
        }
      }
    };
  }

  // ---- confirming a refill ----

  private volatile boolean asking; // a question to the user is waiting for the answer
  private volatile boolean refillRefused; // the relay needs a refill this run will not do

  /**
   * Asks the user whether to refill the relay when it lacks what this profile holds, once per run:
   * on a terminal, a yes/no question (sync carries on meanwhile); otherwise it says to run sync
   * with --refill. A relay with another identity is then not synced with at all, so sync ends.
   */
  private SyncEngine.Listener refillQuestion(
      SyncEngine engine, OwnerThread owner, PrintWriter err) {
    return new SyncEngine.Listener() {
      private boolean asked;

      @Override
      public void refillNeeded(String doc, String why) {
        if (asked) {
          return;
        }
        asked = true;
        java.io.Console console = System.console();
        if (console == null) {
          say(
              err,
              "quire sync: "
                  + why
                  + ". Run 'quire sync --refill' to upload to it what it lacks from this profile");
          refillRefused = doc == null;
          return;
        }
        asking = true;
        Thread question =
            new Thread(
                () -> {
                  String answer =
                      console.readLine(
                          "quire sync: %s.%nUpload to it what it lacks from this profile (the"
                              + " documents it owns, with their whole history)? [y/N] ",
                          why);
                  boolean yes = answer != null && answer.trim().toLowerCase().startsWith("y");
                  if (yes) {
                    owner.run(engine::confirmRefill);
                  } else {
                    refillRefused = doc == null;
                  }
                  asking = false;
                },
                "quire-refill-question");
        question.setDaemon(true);
        question.start();
      }
    };
  }

  private boolean waitSettled(
      OwnerThread owner, SyncEngine engine, CompletableFuture<Void> opening) {
    long deadline = startNanos + timeoutSeconds * 1_000_000_000L; // from the command's start
    while (System.nanoTime() < deadline) {
      if (asking) { // the timeout counts from the user's answer
        deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
      } else if (refillRefused) {
        return false;
      }
      if (owner.call(engine::fatalError) != null
          || (opening.isDone() && owner.call(engine::isSettled))) {
        awaitSignatures(owner, engine, deadline);
        return owner.call(engine::fatalError) == null;
      }
      sleep(50);
    }
    return false;
  }

  /**
   * Gives the relay's signatures asked for while syncing a few seconds to come, so that the profile
   * keeps them for history files; sync does not fail without them.
   */
  private static void awaitSignatures(OwnerThread owner, SyncEngine engine, long deadline) {
    long until = Math.min(deadline, System.nanoTime() + 10_000_000_000L);
    while (System.nanoTime() < until && owner.call(engine::signaturesPending)) {
      sleep(50);
    }
  }

  /**
   * Keeps syncing until the command's timeout (true), or forever without one; false when stopped
   * from within (tests). A process stopped from outside closes the store on its way out.
   */
  private boolean watchUntilTimeout(LocalStore store) {
    CountDownLatch never = new CountDownLatch(1);
    Thread closeOnExit = new Thread(store::close, "quire-store-close");
    Runtime.getRuntime().addShutdownHook(closeOnExit);
    try {
      if (timeoutSeconds == 0) {
        never.await();
      } else {
        long left = startNanos + timeoutSeconds * 1_000_000_000L - System.nanoTime();
        never.await(Math.max(0, left), TimeUnit.NANOSECONDS);
      }
      Runtime.getRuntime().removeShutdownHook(closeOnExit);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Stopped from within (tests): the command closes the store itself.
      Runtime.getRuntime().removeShutdownHook(closeOnExit);
      return false;
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }
}
