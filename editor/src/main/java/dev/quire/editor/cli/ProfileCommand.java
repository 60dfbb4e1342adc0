package dev.quire.editor.cli;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.StoreException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command on a profile: opens it, runs, closes it, turns failures into messages and codes. */
abstract class ProfileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ProfileOption profileOption;

  /** When the command started, for commands that report their whole time. */
  long startNanos;

  @Override
  public final Integer call() {
    startNanos = System.nanoTime();
    PrintWriter err = spec.commandLine().getErr();
    String cannot = cannotRun();
    if (cannot != null) {
      err.println("quire " + spec.name() + ": " + cannot);
      return ExitCodes.FAILED;
    }
    try (LocalStore store = profileOption.open()) {
      int code = run(store, spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return code;
    } catch (CliException e) {
      err.println("quire " + spec.name() + ": " + e.getMessage());
      return e.exitCode();
    } catch (StoreException e) {
      err.println("quire " + spec.name() + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }

  abstract int run(LocalStore store, PrintWriter out);

  /** Why this command cannot run here at all, checked before the profile is opened, or null. */
  String cannotRun() {
    return null;
  }

  /** Waits for {@code f}, unwrapping a store failure into a message. */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof CliException ce) {
        throw ce;
      }
      throw new CliException(ExitCodes.FAILED, String.valueOf(c.getMessage()));
    } catch (TimeoutException e) {
      throw new CliException(ExitCodes.FAILED, "the local store did not answer");
    }
  }

  /** The document, or a usage error naming it. */
  static LocalDocument document(LocalStore store, String id) {
    return await(store.document(id))
        .orElseThrow(
            () -> new CliException(ExitCodes.USAGE, "no document " + id + " in this profile"));
  }
}
