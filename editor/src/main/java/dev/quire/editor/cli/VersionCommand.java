package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.note.NamedVersion;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code quire version DOC NAME}: the text of a named version. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the text of DOC at the revision named NAME exactly as it is (no newline added).",
      "When several versions have that name, the one named last."
    })
final class VersionCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Override
  int run(LocalStore store, PrintWriter out) {
    document(store, doc);
    List<NamedVersion> versions = NotesOfDocument.open(store, doc).versions();
    NamedVersion found = null;
    for (NamedVersion v : versions) {
      if (v.name().equals(name)) {
        found = v;
      }
    }
    if (found == null) {
      throw new CliException(
          ExitCodes.USAGE,
          doc
              + " has no version named \""
              + name
              + "\" ("
              + (versions.isEmpty() ? "it has none" : versions.size() + " named: see versions")
              + "; a name not yet sent has no revision yet)");
    }
    out.print(await(store.textAt(doc, found.revision())));
    return ExitCodes.OK;
  }
}
