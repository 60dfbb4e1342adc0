package dev.quire.editor.ui;

import dev.quire.editor.sync.TestRelay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document of tens of megabytes ({@link #SIZE}) through real editor windows ({@link
 * LargeDocumentFlow}): imported with File › Import on one profile and uploaded, opened and shown
 * whole in a window on a second profile of the same user, edited there, and exported byte-exact
 * from the first. The relay runs with the default limits of messages, batches and history pages, so
 * every edit, batch and page is split as it is for a user. The 50 MB run is {@code
 * bench/editor-large-document.sh}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LargeDocumentGuiTest {
  /**
   * 20 MiB: 50 MB takes minutes on a loaded two-core machine; 20 MiB exercises the same splitting
   * (far more than one message, one batch, one history page) within the test's time.
   */
  static final long SIZE = 20L << 20;

  @TempDir Path dir;

  @Test
  void aDocumentOfTensOfMegabytes_opensInAWindowOnASecondProfile_andItsEditComesBackByteExact()
      throws Exception {
    Gui.requireDisplay();
    try (TestRelay relay = TestRelay.start(dir.resolve("relay"))) {
      new LargeDocumentFlow(
              dir,
              relay.uri(),
              relay.user("alice"),
              Duration.ofSeconds(240),
              (step, took) -> System.out.printf("%s: %d ms%n", step, took.toMillis()))
          .run(LargeDocumentFlow.text(SIZE));
    }
  }
}
