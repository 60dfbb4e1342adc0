package dev.quire.editor.cli;

import dev.quire.editor.store.LocalDocument;
import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Revision;
import dev.quire.ot.operation.Component;
import dev.quire.ot.operation.TextOperation;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire history DOC}: every revision with author and time, then the unsent edits. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the history of DOC, one revision a line.",
      "Tab-separated: REV, TIME (when it was made, by its author's clock; UTC, ISO-8601), AUTHOR,"
          + " CLIENT, CHANGE (such as '@12 +3 -1': at code point 12, 3 inserted, 1 deleted),"
          + " SYNCED (when the relay took it; UTC, ISO-8601). Unsent local edits follow with REV"
          + " '-', AUTHOR '(unsent)' and SYNCED '-'."
    })
final class HistoryCommand extends ProfileCommand {
  private static final int PAGE = 10_000;

  @Parameters(paramLabel = "DOC")
  String doc;

  @Option(names = "--from", paramLabel = "N", description = "start at revision N (default 1)")
  long from = 1;

  @Override
  int run(LocalStore store, PrintWriter out) {
    LocalDocument d = document(store, doc);
    for (long r = Math.max(1, from); r <= d.head(); r += PAGE) {
      for (Revision rev : await(store.revisions(doc, r, Math.min(d.head(), r + PAGE - 1)))) {
        out.println(
            rev.revision()
                + "\t"
                + Instant.ofEpochMilli(rev.madeAtMillis())
                + "\t"
                + rev.author()
                + "\t"
                + rev.clientId()
                + "\t"
                + change(rev.operation())
                + "\t"
                + Instant.ofEpochMilli(rev.timestampMillis()));
      }
    }
    var loaded = await(store.load(doc));
    List<TextOperation> pending = new java.util.ArrayList<>();
    var inFlight = loaded.state().inFlight();
    if (inFlight == null || !inFlight.carriesOnlyNotes()) { // notes alone: no edit to list
      pending.addAll(loaded.state().inFlightOperations());
    }
    pending.addAll(loaded.state().queued());
    for (int i = 0; i < pending.size(); i++) {
      out.println(
          "-\t"
              + Instant.ofEpochMilli(loaded.pendingMadeAt().get(i))
              + "\t(unsent)\t"
              + store.clientId()
              + "\t"
              + change(pending.get(i))
              + "\t-");
    }
    return ExitCodes.OK;
  }

  /** {@code @pos +inserted -deleted}, the position being where the first change is. */
  static String change(TextOperation op) {
    int pos = 0;
    int first = -1;
    int ins = 0;
    int del = 0;
    for (Component c : op.components()) {
      if (c instanceof Component.Retain r) {
        pos += r.count();
        continue;
      }
      if (first < 0) {
        first = pos;
      }
      if (c instanceof Component.Insert) {
        ins += c.length();
      } else {
        del += c.length();
        pos += c.length();
      }
    }
    return "@" + Math.max(first, 0) + " +" + ins + " -" + del;
  }
}
