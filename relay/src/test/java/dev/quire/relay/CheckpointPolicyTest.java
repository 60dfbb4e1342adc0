package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.operation.TextOperation;
import org.junit.jupiter.api.Test;

class CheckpointPolicyTest {

  @Test
  void aCheckpointNeedsTheIntervalAndHalfTheTextInOperations_orOperationsTwiceTheText() {
    CheckpointPolicy p = new CheckpointPolicy(100);
    assertThat(p.due(100, 500, 1_000)).isTrue();
    assertThat(p.due(99, 500, 1_000)).as("too few revisions").isFalse();
    assertThat(p.due(1_000, 399_999, 1_000_000)).as("too little of the text").isFalse();
    assertThat(p.due(3, 2_000_000, 1_000_000)).as("operations twice the text").isTrue();
    assertThat(p.due(3, 60_000, 10)).as("a short text: at least the minimum").isFalse();
    assertThat(p.due(3, CheckpointPolicy.FORCED_MINIMUM, 10)).isTrue();
    assertThatThrownBy(() -> new CheckpointPolicy(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anOperationsSize_isItsInsertedCharactersAndComponents_neverMoreThanItsJson() {
    TextOperation op = TextOperation.builder().retain(12).insert("héllo").delete(3).build();
    assertThat(CheckpointPolicy.size(op)).isEqualTo(5 + 3);
    assertThat(CheckpointPolicy.size(op)).isLessThanOrEqualTo(OperationCodec.toJson(op).length());
  }

  /**
   * A 20 MiB text typed into one character at a time: each revision counts for its row too, so a
   * checkpoint comes within about a hundred thousand revisions (what loading the document replays),
   * not after the millions that half the text in one-character inserts would take.
   */
  @Test
  void aLargeTextTypedIntoKeyByKey_getsACheckpointWithinAboutAHundredThousandRevisions() {
    CheckpointPolicy p = new CheckpointPolicy(1_000);
    long text = 20L << 20;
    assertThat(p.due(90_000, 90_000 * 3L, text)).isFalse();
    assertThat(p.due(110_000, 110_000 * 3L, text)).isTrue();
  }

  /**
   * A 20 MiB import in revisions of 17,600 characters, then typing, with a checkpoint interval of
   * 100: the checkpoints hold at most twice the operations as the policy counts them, and the
   * operations after the last one stay within twice the text (what loading the document replays).
   */
  @Test
  void aLargeImportAndTyping_keepCheckpointsWithinTwiceTheOperations_andReplayWithinTheText() {
    CheckpointPolicy p = new CheckpointPolicy(100);
    long text = 0;
    long operations = 0;
    long checkpoints = 0;
    long checkpointAt = 0;
    long sizeSince = 0;
    long maxReplay = 0;
    int revisions = 0;
    for (int r = 1; r <= 1_200 + 50_000; r++) {
      long size = r <= 1_200 ? 17_600 + 2 : 1 + 2; // an insert with a retain before it
      text += size - 2;
      operations += size;
      sizeSince += size;
      revisions = r;
      if (p.due(revisions - checkpointAt, sizeSince, text)) {
        checkpoints += text;
        checkpointAt = revisions;
        sizeSince = 0;
      }
      maxReplay = Math.max(maxReplay, sizeSince);
    }
    long counted = operations + CheckpointPolicy.REVISION_WEIGHT * revisions;
    assertThat(checkpoints).isLessThanOrEqualTo(2 * counted);
    assertThat(maxReplay).isLessThanOrEqualTo(2 * text);
    // The whole text every 100 revisions would store hundreds of times the operations.
    assertThat(checkpoints).isLessThan(operations * 5 / 2);
  }
}
