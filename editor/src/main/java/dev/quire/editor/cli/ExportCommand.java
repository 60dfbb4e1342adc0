package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code quire export DOC FILE}: writes the document's local text to a file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Writes the local text of DOC (unsent edits included) to FILE, in UTF-8.")
final class ExportCommand extends ProfileCommand {
  @Parameters(index = "0", paramLabel = "DOC")
  String doc;

  @Parameters(index = "1", paramLabel = "FILE", arity = "0..1")
  Path file;

  @Mixin ExportHistoryOptions historyForms;

  @Override
  int run(LocalStore store, PrintWriter out) {
    if (historyForms.requested()) {
      return historyForms.run(store, doc, file, out, spec.commandLine().getErr());
    }
    if (file == null) {
      throw new CliException(ExitCodes.USAGE, "FILE is missing");
    }
    document(store, doc);
    String text = await(store.localText(doc));
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, file + ": cannot write: " + e.getMessage());
    }
    return ExitCodes.OK;
  }
}
