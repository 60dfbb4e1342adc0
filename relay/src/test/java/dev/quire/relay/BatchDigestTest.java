package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.ot.protocol.WireBatch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BatchDigestTest {
  private static byte[] sha256(String text) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBatchsDigestIsTheSha256OfItsBaseAndOperations_everyTime() throws Exception {
    WireBatch a = new WireBatch("c", 1, 7, List.of("[7,\"x\"]", "[8,\"\\u00e9\"]"), 1);
    WireBatch b = new WireBatch("c", 2, 9, List.of("[9,\"y\"]"), 1);
    byte[] expectedA = sha256("7\n[7,\"x\"]\n[8,\"\\u00E9\"]");
    assertThat(BatchDigest.of(a)).isEqualTo(expectedA);
    assertThat(BatchDigest.of(b)).isEqualTo(sha256("9\n[9,\"y\"]"));
    assertThat(BatchDigest.of(a)).isEqualTo(expectedA); // nothing of the last batch carries over
  }

  @Test
  void digestsTakenOnManyThreadsAtOnce_areEachTheirBatchs() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> checks = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        checks.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    String op = "[" + i + ",\"" + thread + "\"]";
                    WireBatch batch = new WireBatch("c", 1, i, List.of(op), 1);
                    if (!MessageDigest.isEqual(BatchDigest.of(batch), sha256(i + "\n" + op))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> check : checks) {
        assertThat(check.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
