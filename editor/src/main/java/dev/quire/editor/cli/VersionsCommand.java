package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.note.NamedVersion;
import dev.quire.ot.note.Note;
import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code quire versions DOC}: the named versions of a document. */
@Command(
    name = "versions",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the named versions of DOC, in the order they were named, one a line.",
      "Tab-separated: NAME, REV, AUTHOR, TIME (when it was named, by its author's clock; UTC,"
          + " ISO-8601). Names not yet sent follow with REV '-', AUTHOR '(unsent)' and TIME '-'; names"
          + " removed here and not yet sent are left out."
    })
final class VersionsCommand extends ProfileCommand {
  @Parameters(paramLabel = "DOC")
  String doc;

  @Override
  int run(LocalStore store, PrintWriter out) {
    document(store, doc);
    DocumentSession s = NotesOfDocument.open(store, doc);
    for (NamedVersion v : s.versionsShown()) {
      out.println(
          NotesOfDocument.oneLine(v.name())
              + "\t"
              + v.revision()
              + "\t"
              + v.author()
              + "\t"
              + Instant.ofEpochMilli(v.madeAtMillis()));
    }
    for (Note.Version v : s.unsentVersions()) {
      out.println(NotesOfDocument.oneLine(v.name()) + "\t-\t(unsent)\t-");
    }
    return ExitCodes.OK;
  }
}
