package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  private static final int CHUNK = 1 << 20;

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
    Progress.Meter meter = new Progress.Meter();
    try (Progress progress = Progress.start(spec.commandLine().getErr(), meter::step)) {
      meter.phase("export " + doc + ": loading the text", -1, "bytes");
      String text = await(store.localText(doc));
      write(text, meter);
    }
    return ExitCodes.OK;
  }

  /** Writes the text a megabyte at a time so that {@code meter} shows the writing. */
  private void write(String text, Progress.Meter meter) {
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    meter.phase("export " + doc + ": writing " + file.getFileName(), all.length, "bytes");
    try (OutputStream o = Files.newOutputStream(file)) {
      for (int at = 0; at < all.length; at += CHUNK) {
        o.write(all, at, Math.min(CHUNK, all.length - at));
        meter.set(Math.min(all.length, at + (long) CHUNK));
      }
    } catch (NoSuchFileException e) {
      Path parent = file.toAbsolutePath().getParent();
      throw new CliException(
          ExitCodes.USAGE,
          file + ": cannot write: " + (parent == null ? file : parent) + " does not exist");
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, file + ": cannot write: " + e.getMessage());
    }
  }
}
