package dev.quire.editor.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a history file, one at a time: each must end with a line break and be UTF-8, and a
 * line longer than the limit is refused before it is read whole. Refusals are {@link
 * HistoryFileException}s naming the line.
 */
final class RecordLines implements AutoCloseable {
  private final InputStream in;
  private final int maxRecordBytes;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] buffer = new byte[8192];
  private final byte[] chunk = new byte[1 << 16];
  private int pos;
  private int limit;
  private long line;

  RecordLines(InputStream in, int maxRecordBytes) {
    this.in = in;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** The number of the line last read (1 is the first). */
  long line() {
    return line;
  }

  /** The next line's text without its line break, or null at the end of the file. */
  String next() {
    int n = 0;
    try {
      if (!fill()) {
        return null;
      }
      line++;
      while (true) {
        int nl = -1;
        for (int i = pos; i < limit; i++) {
          if (chunk[i] == '\n') {
            nl = i;
            break;
          }
        }
        int end = nl >= 0 ? nl : limit;
        int take = end - pos;
        if ((long) n + take > maxRecordBytes) {
          throw bad("is longer than " + maxRecordBytes + " bytes: refused without reading it");
        }
        if (n + take > buffer.length) {
          buffer =
              Arrays.copyOf(
                  buffer, (int) Math.min(maxRecordBytes, Math.max(2L * buffer.length, n + take)));
        }
        System.arraycopy(chunk, pos, buffer, n, take);
        n += take;
        pos = end;
        if (nl >= 0) {
          pos++;
          break;
        }
        if (!fill()) {
          throw bad("ends without a line break: the file is truncated");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading line " + line + ": " + e.getMessage(), e);
    }
    try {
      return utf8.decode(ByteBuffer.wrap(buffer, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw bad("is not UTF-8 text");
    }
  }

  /** True when there are bytes to read in {@code chunk}, reading more if needed. */
  private boolean fill() throws IOException {
    if (pos < limit) {
      return true;
    }
    int got = in.read(chunk, 0, chunk.length);
    pos = 0;
    limit = Math.max(got, 0);
    return got > 0;
  }

  private HistoryFileException bad(String what) {
    return new HistoryFileException(line, -1, "line " + line + ": the record " + what);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
