package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.sync.DocumentSession;
import dev.quire.ot.operation.TextOperation;
import dev.quire.ot.protocol.Ids;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    String text = read(file);
    String docId = id != null ? id : newId();
    String docTitle = title != null ? title : String.valueOf(file.getFileName());
    try {
      Ids.requireDocumentId(docId);
      Ids.requireTitle(docTitle);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    boolean created =
        await(store.createDocument(docId, docTitle, System.currentTimeMillis(), false, ops(text)));
    if (!created) {
      throw new CliException(ExitCodes.USAGE, "a document " + docId + " exists already");
    }
    out.println(docId);
    return ExitCodes.OK;
  }

  static String newId() {
    return "d-" + UUID.randomUUID().toString().substring(0, 13);
  }

  static String read(Path file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(ExitCodes.USAGE, file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, file + ": cannot read: " + e.getMessage());
    }
  }

  static List<TextOperation> ops(String text) {
    return DocumentSession.insertsOf(text);
  }
}
