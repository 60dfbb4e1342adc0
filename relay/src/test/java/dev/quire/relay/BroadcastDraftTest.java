package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;
import org.junit.jupiter.api.Test;

class BroadcastDraftTest {
  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void sameFrameTwice_givesTheSameBytesWithIndependentPositions() {
    BroadcastDraft draft = new BroadcastDraft(1 << 20);
    List<Framedata> frames = draft.createFrames("{\"type\":\"sequenced\"}", false);
    byte[] plain = bytes(new Draft_6455().createBinaryFrame(frames.get(0)));

    ByteBuffer first = draft.createBinaryFrame(frames.get(0));
    ByteBuffer second = ((BroadcastDraft) draft.copyInstance()).createBinaryFrame(frames.get(0));
    assertThat(bytes(first)).isEqualTo(plain); // consumes the first only
    assertThat(second.remaining()).isEqualTo(plain.length);
    assertThat(bytes(second)).isEqualTo(plain);
  }

  @Test
  void anotherFrame_isEncodedAfresh() {
    BroadcastDraft draft = new BroadcastDraft(1 << 20);
    Framedata a = draft.createFrames("first message", false).get(0);
    Framedata b = draft.createFrames("second message!", false).get(0);
    byte[] ofA = bytes(draft.createBinaryFrame(a));
    byte[] ofB = bytes(draft.createBinaryFrame(b));
    assertThat(ofB).isEqualTo(bytes(new Draft_6455().createBinaryFrame(b)));
    assertThat(ofB).isNotEqualTo(ofA);
    // An equal but distinct frame is not mistaken for the last one.
    Framedata a2 = draft.createFrames("first message", false).get(0);
    assertThat(bytes(draft.createBinaryFrame(a2))).isEqualTo(ofA);
  }

  @Test
  void textFrames_areJavaWebSocketsOwn_forAnyString() {
    String[] texts = {
      "", "{\"type\":\"ack\"}", "é ✓ 𝄞", "unpaired \uD834 surrogate", "x".repeat(70_000)
    };
    for (String text : texts) {
      Framedata ours = new BroadcastDraft(1 << 20).createFrames(text, false).get(0);
      Framedata theirs = new Draft_6455().createFrames(text, false).get(0);
      assertThat(ours.getOpcode()).isEqualTo(theirs.getOpcode());
      assertThat(ours.isFin()).isEqualTo(theirs.isFin());
      assertThat(bytes(new Draft_6455().createBinaryFrame(ours)))
          .as(text.length() > 40 ? text.length() + " characters" : text)
          .isEqualTo(bytes(new Draft_6455().createBinaryFrame(theirs)));
    }
  }
}
