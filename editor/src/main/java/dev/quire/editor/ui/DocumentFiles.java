package dev.quire.editor.ui;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Reading and writing the files of File › Import and Export: UTF-8 text, refused otherwise. */
final class DocumentFiles {
  private DocumentFiles() {}

  /**
   * The file's text.
   *
   * @throws IllegalArgumentException when it cannot be read or is not UTF-8, saying which
   */
  static String readUtf8(File file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(Files.readAllBytes(file.toPath())))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file.getName() + " is not UTF-8 text");
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * Writes {@code text} to the file as UTF-8.
   *
   * @throws IllegalArgumentException when it cannot be written, saying why
   */
  static void writeUtf8(File file, String text) {
    try {
      Files.writeString(file.toPath(), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot write " + file + ": " + e.getMessage());
    }
  }
}
