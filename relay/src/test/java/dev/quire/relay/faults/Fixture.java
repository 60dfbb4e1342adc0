package dev.quire.relay.faults;

import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.EmbeddedStorage;
import dev.quire.relay.store.PayloadKind;
import dev.quire.relay.store.RelayStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Users and documents written into a fresh data directory before a relay process starts. */
final class Fixture {
  private Fixture() {}

  /** Adds users {@code user0..}; returns their tokens. */
  static List<String> users(Path data, int count) {
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      return users(store, count);
    }
  }

  /** Adds users {@code user0..} to {@code store}; returns their tokens. */
  static List<String> users(RelayStorage store, int count) {
    List<String> tokens = new ArrayList<>();
    for (int u = 0; u < count; u++) {
      tokens.add(store.users().add("user" + u));
    }
    return tokens;
  }

  /** Creates {@code doc0..} owned by user0, each shared with every other user as editor. */
  static void documents(Path data, int count, int users) {
    try (EmbeddedStorage store = EmbeddedStorage.open(data, 2)) {
      documents(store, count, users);
    }
  }

  /** Creates {@code doc0..} in {@code store}, owned by user0, shared with the others as editor. */
  static void documents(RelayStorage store, int count, int users) {
    {
      for (int d = 0; d < count; d++) {
        String doc = "doc" + d;
        store
            .documents()
            .create(
                doc, "Document " + d, "user0", System.currentTimeMillis(), PayloadKind.READABLE);
        for (int u = 1; u < users; u++) {
          store.documents().setRole(doc, "user" + u, Role.EDITOR);
        }
      }
    }
  }
}
