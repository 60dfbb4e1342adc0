package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.note.NamedVersion;
import dev.quire.ot.note.Note;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire version DOC NAME}: the text of a named version; with --remove, removes the name. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the text of DOC at the revision named NAME exactly as it is (no newline added).",
      "When several versions have that name, the one named last.",
      "With --remove, removes that name for everyone instead (sent at the next sync): only a name"
          + " this profile's user gave can be removed."
    })
final class VersionCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Option(
      names = "--remove",
      description = "Remove the name (the one named last, when several share it) for everyone.")
  boolean remove;

  @Override
  int run(LocalStore store, PrintWriter out) {
    document(store, doc);
    DocumentSession session = NotesOfDocument.open(store, doc);
    List<NamedVersion> versions = session.versionsShown();
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
    if (remove) {
      return remove(store, session, found);
    }
    out.print(await(store.textAt(doc, found.revision())));
    return ExitCodes.OK;
  }

  /** Queues the removal of {@code v}, which must be a name this profile's user gave. */
  private int remove(LocalStore store, DocumentSession session, NamedVersion v) {
    Optional<String> me = await(store.ownUser());
    if (me.isEmpty() || !me.get().equals(v.author())) {
      throw new CliException(
          ExitCodes.USAGE,
          "the name \""
              + name
              + "\" of revision "
              + v.revision()
              + " was given by "
              + v.author()
              + "; only the one who gave a name can remove it");
    }
    try {
      session.addNote(new Note.RemoveVersion(v.name(), v.revision()));
    } catch (IllegalStateException e) { // read-only, or deleted
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    await(store.flush());
    return ExitCodes.OK;
  }
}
