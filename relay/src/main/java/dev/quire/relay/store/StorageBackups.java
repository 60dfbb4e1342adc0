package dev.quire.relay.store;

import java.nio.file.Path;

/** A storage that writes verified backups of itself while in use. Thread-safe. */
public interface StorageBackups {
  /**
   * Writes a verified backup to a new file in {@code dir} named after the time; returns its path.
   *
   * @throws StoreException when it cannot be written or does not verify; no file is left then
   */
  Path backup(Path dir);

  /**
   * Writes a verified backup to {@code file}, which must not exist; it holds every batch
   * acknowledged before this call.
   *
   * @throws StoreException when it cannot be written or does not verify; no file is left then
   */
  RelayBackup.Summary backupTo(Path file);
}
