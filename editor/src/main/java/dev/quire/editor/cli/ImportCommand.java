package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.Ids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire import FILE}: a new local document with the file's text; prints its id. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Creates a local document holding the text of FILE (UTF-8) and prints its id.",
      "It is sent to the relay, with its history, at the next sync."
    })
final class ImportCommand extends ProfileCommand {
  @Parameters(paramLabel = "FILE", description = "a UTF-8 text file")
  Path file;

  @Option(names = "--title", description = "the title (default: the file name)")
  String title;

  @Option(names = "--id", description = "the document id (default: a new random id)")
  String id;

  @Mixin ImportHistoryOptions historyImport;

  @Override
  int run(LocalStore store, PrintWriter out) {
    if (historyImport.requested()) {
      return historyImport.run(store, file, title, id, out, spec.commandLine().getErr());
    }
    Progress.Meter meter = new Progress.Meter();
    String docId;
    try (Progress progress = Progress.start(spec.commandLine().getErr(), meter::step)) {
      docId = importFile(store, meter);
    }
    out.println(docId); // after the progress line has ended, on a terminal
    return ExitCodes.OK;
  }

  /** Reads and saves the file; returns the new document's id. */
  private String importFile(LocalStore store, Progress.Meter meter) {
    String text = read(file, meter);
    String docId = id != null ? id : newId();
    String docTitle = title != null ? title : String.valueOf(file.getFileName());
    try {
      Ids.requireDocumentId(docId);
      Ids.requireTitle(docTitle);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    List<TextOperation> ops = ops(text);
    meter.phase(
        "import " + file.getFileName() + ": saving " + ops.size() + " edits of text", -1, "edits");
    boolean created =
        await(store.createDocument(docId, docTitle, System.currentTimeMillis(), false, ops));
    if (!created) {
      boolean viewer =
          await(store.relayRole(docId)).orElse(null) == dev.quire.ot.protocol.Role.VIEWER;
      throw new CliException(
          ExitCodes.USAGE,
          "a document "
              + docId
              + " exists already"
              + (viewer ? ", and you can only read it (the relay made you a viewer)" : "")
              + "; nothing was imported");
    }
    return docId;
  }

  static String newId() {
    return "d-" + UUID.randomUUID().toString().substring(0, 13);
  }

  /** The file's text, read a megabyte at a time so that {@code meter} shows the reading. */
  static String read(Path file, Progress.Meter meter) {
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      meter.phase("import " + file.getFileName() + ": reading", size, "bytes");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(size, 1 << 30));
      byte[] chunk = new byte[1 << 20];
      long done = 0;
      for (int n; (n = in.read(chunk)) > 0; ) {
        bytes.write(chunk, 0, n);
        done += n;
        meter.set(done);
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(ExitCodes.USAGE, file + ": not UTF-8 text");
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.USAGE, file + " does not exist");
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, file + ": cannot read: " + e.getMessage());
    }
  }

  static List<TextOperation> ops(String text) {
    return DocumentSession.insertsOf(text);
  }
}
