package dev.quire.relay.store;

import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's write-ahead journal: an append is acknowledged once its record is written here, and
 * reaches H2 shortly after, in large groups (ADR 0006). Writing one record is a single {@code
 * write} to the end of a file, where an H2 commit serialises every B-tree page the transaction
 * touched; so acknowledgements wait for the cheap write only.
 *
 * <p>Format: an 8-byte header, then records of {@code [int length][int CRC-32C of body][body]}; a
 * body is an append (kind 1) or a {@link StoredChange} (kind 2), every other change the relay
 * confirms, written once H2 committed it and before it is confirmed. A record that is cut short or
 * fails its checksum ends the journal: it can only be a write a crash interrupted, which was never
 * acknowledged. Not thread-safe: {@link GroupCommitter} serialises its use.
 */
final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  static final String FILE_NAME = "relay.journal";
  private static final byte[] HEADER = "QUIREJ1\n".getBytes(StandardCharsets.US_ASCII);
  private static final int RECORD_HEAD = 8; // length and checksum
  private static final int MAX_RECORD = 1 << 30;
  private static final byte KIND_APPEND = 1;
  private static final byte KIND_CHANGE = 2;
  private static final byte ARG_NULL = 0;
  private static final byte ARG_LONG = 1;
  private static final byte ARG_STRING = 2;
  private static final byte ARG_BYTES = 3;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean sync;
  private long size;
  private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private final CRC32C crc = new CRC32C(); // reset for each record written

  private Journal(Path file, FileChannel channel, FileLock lock, boolean sync, long size) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.sync = sync;
    this.size = size;
  }

  /**
   * Opens (or creates) the journal in {@code dir}, locked against other processes.
   *
   * @param sync whether every write is forced to the disk before it returns ({@code fsync}), so
   *     that what is acknowledged survives a power loss, not only a crash of the process
   */
  static Journal open(Path dir, boolean sync) {
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this process already
      }
      if (lock == null) {
        throw new StoreException("journal " + file + " is in use by another process");
      }
      long size = channel.size();
      if (size == 0) {
        channel.write(ByteBuffer.wrap(HEADER), 0);
        channel.force(true);
        size = HEADER.length;
      } else {
        byte[] head = new byte[HEADER.length];
        int read = channel.read(ByteBuffer.wrap(head), 0);
        if (read != HEADER.length || !Arrays.equals(head, HEADER)) {
          throw new StoreException(
              "journal "
                  + file
                  + " is not a Quire relay journal this relay can read; nothing was changed");
        }
      }
      return new Journal(file, channel, lock, sync, size);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException("cannot open journal " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  Path file() {
    return file;
  }

  /** Bytes in the file, header included. */
  long size() {
    return size;
  }

  /** True when the journal holds no record. */
  boolean isEmpty() {
    return size == HEADER.length;
  }

  /**
   * Writes {@code appends} at the end, in order, as one write; when it returns they are as durable
   * as the journal's sync setting makes them. When it throws, nothing of them counts: the file is
   * cut back to where it was, or else reading stops at the damaged record.
   */
  void write(List<HistoryStore.Append> appends) {
    writeRecords(appends);
  }

  /** Writes one change that is not an append, as {@link #write} writes appends. */
  void write(StoredChange change) {
    writeRecords(List.of(change));
  }

  private void writeRecords(List<?> records) {
    buffer.clear();
    for (Object r : records) {
      int start = buffer.position();
      reserve(RECORD_HEAD);
      buffer.position(start + RECORD_HEAD);
      if (r instanceof HistoryStore.Append a) {
        encode(a);
      } else {
        encode((StoredChange) r);
      }
      int length = buffer.position() - start - RECORD_HEAD;
      crc.reset();
      crc.update(buffer.array(), start + RECORD_HEAD, length);
      buffer.putInt(start, length);
      buffer.putInt(start + 4, (int) crc.getValue());
    }
    buffer.flip();
    long at = size;
    try {
      while (buffer.hasRemaining()) {
        at += channel.write(buffer, at);
      }
      if (sync) {
        channel.force(false);
      }
      size = at;
      if (buffer.capacity() > (4 << 20)) {
        buffer = ByteBuffer.allocate(64 * 1024); // a rare huge group need not stay in memory
      }
    } catch (IOException | RuntimeException e) {
      try {
        channel.truncate(size);
      } catch (IOException | RuntimeException again) {
        e.addSuppressed(again);
      }
      throw new StoreException("writing to journal " + file + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Empties the journal: call only when everything in it is committed to H2 and H2 was closed
   * cleanly since ({@link Database#reopen}), so that H2 finds all of it after a crash.
   */
  void clear() {
    try {
      channel.truncate(HEADER.length);
      size = HEADER.length;
    } catch (IOException e) {
      throw new StoreException("emptying journal " + file + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Reads every whole record from the start, in order: each a {@link HistoryStore.Append} or a
   * {@link StoredChange}. A damaged record that is not the file's last bytes means more than an
   * interrupted write; the file is then copied aside first so nothing in it is lost.
   */
  List<Object> readAll() {
    List<Object> out = new ArrayList<>();
    try {
      long length = channel.size();
      if (length > Integer.MAX_VALUE) {
        throw new StoreException("journal " + file + " is larger than 2 GiB; cannot read it");
      }
      ByteBuffer all = ByteBuffer.allocate((int) length);
      while (all.hasRemaining() && channel.read(all, all.position()) >= 0) {
        // reads until full
      }
      all.flip();
      all.position(HEADER.length);
      while (all.remaining() > 0) {
        int at = all.position();
        String damage = null;
        if (all.remaining() < RECORD_HEAD) {
          damage = "a record header cut short";
        } else {
          int len = all.getInt();
          int sum = all.getInt();
          if (len < 0 || len > MAX_RECORD || len > all.remaining()) {
            damage = "a record cut short";
          } else {
            CRC32C crc = new CRC32C();
            crc.update(all.array(), all.position(), len);
            if ((int) crc.getValue() != sum) {
              damage = "a record whose checksum does not match";
            } else {
              ByteBuffer body = all.slice(all.position(), len);
              all.position(all.position() + len);
              try {
                out.add(decode(body));
              } catch (RuntimeException e) {
                damage = "a record that cannot be read (" + e + ")";
              }
            }
          }
        }
        if (damage != null) {
          keepDamaged(at, length, damage);
          break;
        }
      }
      return out;
    } catch (IOException e) {
      throw new StoreException("reading journal " + file + " failed: " + e.getMessage(), e);
    }
  }

  private void keepDamaged(long at, long length, String damage) throws IOException {
    Path copy = file.resolveSibling(FILE_NAME + ".damaged-" + System.currentTimeMillis());
    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
    log.warn(
        "Journal {} ends with {} at byte {} of {}: a write the relay was killed in the middle of"
            + " (never acknowledged). Reading stops there; the whole file was copied to {}.",
        file,
        damage,
        at,
        length,
        copy);
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      log.warn("Releasing the lock on journal {}: {}", file, e.getMessage());
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.warn("Closing a journal: {}", e.getMessage());
      }
    }
  }

  // --- records ---

  private void encode(HistoryStore.Append a) {
    WireSequenced e = a.entry();
    WireBatch b = e.batch();
    putByte(KIND_APPEND);
    putString(a.doc());
    putLong(e.firstRevision());
    putString(e.author());
    putLong(e.timestampMillis());
    putString(b.clientId());
    putLong(b.batchSeq());
    putLong(b.baseRevision());
    putInt(b.size());
    for (String op : b.operations()) {
      putString(op);
    }
    putByte((byte) (a.canonical() == null ? 0 : 1));
    if (a.canonical() != null) {
      for (String op : a.canonical()) {
        putString(op);
      }
    }
    putBytes(a.digest());
    putByte((byte) (a.checkpoint() == null ? 0 : 1));
    if (a.checkpoint() != null) {
      putString(a.checkpoint());
    }
    putLong(b.madeAt()); // a record written before it was kept ends without it
    if (b.notes() != null) {
      putString(b.notes()); // after madeAt: a record written before notes ends without them
    }
  }

  private void encode(StoredChange change) {
    putByte(KIND_CHANGE);
    putInt(change.statements().size());
    for (StoredChange.Statement st : change.statements()) {
      putString(st.sql());
      putInt(st.args().size());
      for (Object a : st.args()) {
        if (a == null) {
          putByte(ARG_NULL);
        } else if (a instanceof String v) {
          putByte(ARG_STRING);
          putString(v);
        } else if (a instanceof byte[] v) {
          putByte(ARG_BYTES);
          putBytes(v);
        } else {
          putByte(ARG_LONG);
          putLong(((Number) a).longValue());
        }
      }
    }
  }

  private static Object decode(ByteBuffer in) {
    try {
      byte kind = in.get();
      if (kind == KIND_CHANGE) {
        return decodeChange(in);
      }
      if (kind != KIND_APPEND) {
        throw new IllegalArgumentException("unknown record kind " + kind);
      }
      String doc = getString(in);
      long first = in.getLong();
      String author = getString(in);
      long time = in.getLong();
      String clientId = getString(in);
      long seq = in.getLong();
      long base = in.getLong();
      int n = in.getInt();
      if (n < 1 || n > in.remaining()) {
        throw new IllegalArgumentException("bad operation count " + n);
      }
      List<String> ops = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ops.add(getString(in));
      }
      List<String> canonical = null;
      if (in.get() != 0) {
        canonical = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          canonical.add(getString(in));
        }
      }
      byte[] digest = getBytes(in);
      String checkpoint = in.get() != 0 ? getString(in) : null;
      long madeAt = in.remaining() >= Long.BYTES ? in.getLong() : time;
      String notes = in.hasRemaining() ? getString(in) : null;
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes left over");
      }
      WireSequenced entry =
          new WireSequenced(
              first, author, time, new WireBatch(clientId, seq, base, ops, madeAt, notes));
      return new HistoryStore.Append(doc, entry, canonical, digest, checkpoint);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("record ends early", e);
    }
  }

  private static StoredChange decodeChange(ByteBuffer in) {
    int n = in.getInt();
    if (n < 1 || n > in.remaining()) {
      throw new IllegalArgumentException("bad statement count " + n);
    }
    List<StoredChange.Statement> statements = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String sql = getString(in);
      int argCount = in.getInt();
      if (argCount < 0 || argCount > in.remaining()) {
        throw new IllegalArgumentException("bad argument count " + argCount);
      }
      List<Object> args = new ArrayList<>(argCount);
      for (int a = 0; a < argCount; a++) {
        byte tag = in.get();
        switch (tag) {
          case ARG_NULL -> args.add(null);
          case ARG_STRING -> args.add(getString(in));
          case ARG_BYTES -> args.add(getBytes(in));
          case ARG_LONG -> args.add(in.getLong());
          default -> throw new IllegalArgumentException("unknown argument tag " + tag);
        }
      }
      statements.add(new StoredChange.Statement(sql, args));
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " bytes left over");
    }
    return new StoredChange(statements);
  }

  private static String getString(ByteBuffer in) {
    return new String(getBytes(in), StandardCharsets.UTF_8);
  }

  private static byte[] getBytes(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("bad length " + n);
    }
    byte[] bytes = new byte[n];
    in.get(bytes);
    return bytes;
  }

  private void reserve(int bytes) {
    if (buffer.remaining() < bytes) {
      int needed = buffer.position() + bytes;
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
      buffer.flip();
      bigger.put(buffer);
      buffer = bigger;
    }
  }

  private void putByte(byte v) {
    reserve(1);
    buffer.put(v);
  }

  private void putInt(int v) {
    reserve(4);
    buffer.putInt(v);
  }

  private void putLong(long v) {
    reserve(8);
    buffer.putLong(v);
  }

  private void putBytes(byte[] v) {
    putInt(v.length);
    reserve(v.length);
    buffer.put(v);
  }

  private void putString(String s) {
    putBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
