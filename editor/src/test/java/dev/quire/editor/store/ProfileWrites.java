package dev.quire.editor.store;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;

/**
 * Counts the bytes H2 writes to one profile's files, through H2's recording file system ({@code
 * rec:}): everything a command writes, its commits and H2's own compaction on close alike. Opened
 * before the profiles it watches are, closed after.
 */
final class ProfileWrites implements AutoCloseable {
  private final String profile;
  private final AtomicLong bytes = new AtomicLong();

  private ProfileWrites(Path profile) {
    this.profile = profile.toAbsolutePath().normalize().toString();
  }

  /** Starts counting what is written to the files of {@code profile} from now on. */
  static ProfileWrites of(Path profile) {
    ProfileWrites w = new ProfileWrites(profile);
    FilePathRec.register();
    FilePathRec.setRecorder(w::log);
    ProfileDatabase.fileSystem = "rec:";
    return w;
  }

  private void log(int op, String fileName, byte[] data, long offset) {
    if (op == Recorder.WRITE && fileName.contains(profile) && data != null) {
      bytes.addAndGet(data.length);
    }
  }

  /** Bytes written to the profile's files so far. */
  long bytes() {
    return bytes.get();
  }

  @Override
  public void close() {
    ProfileDatabase.fileSystem = "file:";
    FilePathRec.setRecorder(null);
  }
}
