package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.sync.OwnerThread;
import dev.quire.editor.sync.SyncEngine;
import dev.quire.ot.trace.Trace;
import dev.quire.ot.trace.TraceFormatException;
import dev.quire.ot.trace.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire type DOC TRACE}: types a recorded trace into a document as a user would. */
@Command(
    name = "type",
    mixinStandardHelpOptions = true,
    description = {
      "Types a sequential editing trace (such as traces/*.json.gz) into DOC, edit by edit, as a"
          + " user at the keyboard would.",
      "Each edit is a local edit, saved in the profile within the durability bound and, with"
          + " --relay, sent live. DOC is created from the trace's start text if it does not exist;"
          + " an existing DOC must hold exactly that text. For demos, load and benchmarks: prints"
          + " the rate reached, the local durability bound and whether the text ends as the"
          + " trace's endContent."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the document ends with the trace's endContent (and, with --relay, is synced)",
      "1:it ends elsewhere, or sync did not finish",
      "2:a bad argument (unreadable or concurrent trace, a document with other text)",
      "3:the profile cannot be opened"
    })
final class TypeCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Parameters(index = "1", paramLabel = "TRACE")
  Path tracePath;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "0",
      description = "edits per second; 0 types as fast as possible (default)")
  double rate;

  @Option(names = "--limit", paramLabel = "N", description = "type only the first N edits")
  Integer limit;

  @Option(
      names = "--progress",
      description =
          "print 'typed N' to stderr as edits are typed and 'saved N' as they are saved in the"
              + " profile (for tests and demos)")
  boolean progress;

  @Mixin RelayOptions relayOptions;

  @Override
  int run(LocalStore store, PrintWriter out) {
    Trace trace = readTrace();
    List<Trace.Patch> patches = new ArrayList<>();
    trace.txns().forEach(t -> patches.addAll(t.patches()));
    int n = limit == null ? patches.size() : Math.min(Math.max(0, limit), patches.size());
    if (await(store.document(doc)).isEmpty()) {
      String title = String.valueOf(tracePath.getFileName());
      await(
          store.createDocument(
              doc,
              title,
              System.currentTimeMillis(),
              false,
              ImportCommand.ops(trace.startContent())));
    }
    requireWritable(store);
    if (!await(store.localText(doc)).equals(trace.startContent())) {
      throw new CliException(
          ExitCodes.USAGE, doc + " does not hold the trace's start text; type into a new document");
    }
    SyncEngine.Config config = relayOptions.given() ? relayOptions.config(store, true) : null;
    try (OwnerThread owner = OwnerThread.start("quire-owner")) {
      SyncEngine engine = config == null ? null : new SyncEngine(store, owner, config);
      Progress.Meter meter = new Progress.Meter();
      try (Progress shown = Progress.start(spec.commandLine().getErr(), meter::step)) {
        DocumentSession session = open(store, owner, engine);
        if (engine != null) {
          awaitRole(owner, engine, session, meter); // the role known here may be out of date
        }
        long t0 = System.nanoTime();
        meter.phase("type " + doc + ": saved", n, "edits");
        typeAll(store, owner, session, patches.subList(0, n), meter);
        double seconds = (System.nanoTime() - t0) / 1e9;
        await(store.flush());
        saved(n, meter);
        double savedSeconds = (System.nanoTime() - t0) / 1e9;
        if (engine != null) {
          meter.phase("type " + doc + ": waiting for the relay", -1, "edits");
        }
        boolean synced = engine == null || waitSynced(owner, engine);
        String text = owner.call(session::text);
        shown.close();
        out.printf(
            Locale.ROOT,
            "typed %d edits in %.2f s (%.0f edits/s)%n",
            n,
            seconds,
            n / Math.max(seconds, 1e-9));
        out.printf(
            Locale.ROOT,
            "saved %d edits after %.2f s; the whole command took %.2f s%n",
            n,
            savedSeconds,
            (System.nanoTime() - startNanos) / 1e9);
        out.println("local durability: " + store.durability());
        boolean complete = n == patches.size();
        boolean matches = !complete || text.equals(trace.endContent());
        out.println(
            complete
                ? "result: " + (matches ? "matches endContent" : "DIFFERS from endContent")
                : "result: stopped after " + n + " of " + patches.size() + " edits");
        if (engine != null) {
          out.println("sync: " + owner.call(engine::status).describe());
        }
        return matches && synced ? ExitCodes.OK : ExitCodes.FAILED;
      } finally {
        if (engine != null) {
          owner.run(engine::stop);
          engine.close();
        }
      }
    }
  }

  private Trace readTrace() {
    Trace trace;
    try {
      trace = TraceReader.read(tracePath);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CliException(ExitCodes.USAGE, tracePath + " does not exist");
    } catch (IOException | TraceFormatException e) {
      throw new CliException(ExitCodes.USAGE, tracePath + ": " + e.getMessage());
    }
    if (trace.concurrent()) {
      throw new CliException(
          ExitCodes.USAGE, tracePath + " is a concurrent trace; type needs a sequential one");
    }
    if (rate < 0) {
      throw new CliException(ExitCodes.USAGE, "--rate must not be negative");
    }
    return trace;
  }

  /**
   * The role is the relay's to tell (the profile's may be out of date, or unknown for a document
   * never synced): waits for the connection's listing (while the relay is reachable, 30 s at most),
   * then refuses a viewer before anything is typed. Unreachable, the role the profile knows holds.
   */
  private void awaitRole(
      OwnerThread owner, SyncEngine engine, DocumentSession session, Progress.Meter meter) {
    meter.phase("type " + doc + ": asking the relay for your role", -1, "steps");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!owner.call(engine::isListed)
        && owner.call(engine::offlineReason) == null
        && owner.call(engine::fatalError) == null
        && System.nanoTime() < deadline) {
      SyncCommand.sleep(20);
    }
    if (owner.call(session::role) == dev.quire.ot.protocol.Role.VIEWER) {
      refuseViewer();
    }
  }

  /** Refuses, before anything is typed or queued, a document the user may only read. */
  private void requireWritable(LocalStore store) {
    if (await(store.relayRole(doc)).orElse(null) == dev.quire.ot.protocol.Role.VIEWER) {
      refuseViewer();
    }
  }

  private void refuseViewer() {
    throw new CliException(
        ExitCodes.USAGE,
        "you can only read "
            + doc
            + ": its owner gave you the viewer role on the relay; nothing was typed. Ask them"
            + " for the editor role");
  }

  private DocumentSession open(LocalStore store, OwnerThread owner, SyncEngine engine) {
    CompletableFuture<DocumentSession> f =
        engine == null
            ? DocumentSession.open(store, doc, owner, 1000)
            : owner.call(
                () -> {
                  engine.start();
                  return engine.open(doc);
                });
    return await(f);
  }

  /**
   * Types the patches on the owner thread, paced to {@code rate} edits per second; {@code meter}
   * counts those the profile has saved.
   */
  private void typeAll(
      LocalStore store,
      OwnerThread owner,
      DocumentSession session,
      List<Trace.Patch> patches,
      Progress.Meter meter) {
    long start = System.nanoTime();
    int i = 0;
    while (i < patches.size()) {
      int due =
          rate <= 0
              ? patches.size()
              : (int) Math.min(patches.size(), 1 + (System.nanoTime() - start) * rate / 1e9);
      if (due <= i) {
        long next = start + (long) (i * 1e9 / rate);
        SyncCommand.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
        continue;
      }
      int from = i;
      int to = Math.min(due, from + 2000);
      try {
        owner.run(
            () -> {
              for (Trace.Patch p : patches.subList(from, to)) {
                session.splice(p.position(), p.deleteCount(), p.text());
              }
            });
      } catch (DocumentSession.ReadOnlyException e) {
        int typed = owner.call(session::unacknowledged);
        throw new CliException(
            ExitCodes.FAILED,
            "you can only read "
                + doc
                + ": its owner made you a viewer while typing; "
                + SyncCommand.plural(typed, "edit")
                + " not yet on the relay are held unsent ('quire discard "
                + doc
                + "' drops them)");
      }
      i = to;
      if (progress) {
        spec.commandLine().getErr().println("typed " + i);
        spec.commandLine().getErr().flush();
      }
      // The edits typed so far are saved once everything queued before this flush is committed.
      store.flush().thenRun(() -> saved(to, meter));
    }
  }

  private final AtomicInteger savedCount = new AtomicInteger();

  /** Counts the first {@code n} edits as saved (flushes complete in order; repeats are no-ops). */
  private void saved(int n, Progress.Meter meter) {
    if (savedCount.getAndAccumulate(n, Math::max) < n) {
      meter.set(n);
      if (progress) {
        spec.commandLine().getErr().println("saved " + n);
        spec.commandLine().getErr().flush();
      }
    }
  }

  private boolean waitSynced(OwnerThread owner, SyncEngine engine) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (owner.call(engine::isSettled)) {
        return owner.call(() -> engine.status().isSynced());
      }
      SyncCommand.sleep(20);
    }
    return false;
  }
}
