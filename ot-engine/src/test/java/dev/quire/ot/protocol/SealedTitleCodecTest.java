package dev.quire.ot.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.crypto.BatchCipher;
import dev.quire.ot.crypto.TitleCipher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sealed titles (protocol 8) on every message that carries a title, and their form. */
class SealedTitleCodecTest {
  private static final SealedTitle SEALED =
      TitleCipher.seal("plans-2027", 2, BatchCipher.newKey(), "Plans for 2027");

  @Test
  void requestsWithASealedTitle_roundTrip() {
    List<ClientMessage> requests =
        List.of(
            new ClientMessage.Create("plans-2027", SealedTitle.PLACEHOLDER, true, SEALED),
            new ClientMessage.Rename("plans-2027", SealedTitle.PLACEHOLDER, SEALED),
            new ClientMessage.Upload(
                "plans-2027", SealedTitle.PLACEHOLDER, 1L, 0, List.of(), List.of(), true, SEALED));
    for (ClientMessage m : requests) {
      String json = ProtocolCodec.encode("r1", m);
      assertThat(json).contains("\"sealedTitle\":{\"epoch\":2,\"sealed\":\"");
      assertThat(ProtocolCodec.decodeRequest(json).message()).isEqualTo(m);
    }
  }

  @Test
  void requestsWithoutASealedTitle_leaveTheFieldOut() {
    String json = ProtocolCodec.encode("r1", new ClientMessage.Rename("d", "Notes"));
    assertThat(json).doesNotContain("sealedTitle");
    assertThat(ProtocolCodec.decodeRequest(json).message())
        .isEqualTo(new ClientMessage.Rename("d", "Notes", null));
  }

  @Test
  void repliesWithASealedTitle_roundTrip() {
    DocumentInfo info =
        new DocumentInfo("plans-2027", SealedTitle.PLACEHOLDER, 1, 4, 2, Role.EDITOR, true, SEALED);
    List<ServerMessage> replies =
        List.of(
            new ServerMessage.Documents(List.of(info)),
            new ServerMessage.Renamed("plans-2027", SealedTitle.PLACEHOLDER, SEALED),
            new ServerMessage.Trash(
                List.of(
                    new TrashedDocument("plans-2027", SealedTitle.PLACEHOLDER, 4, 5, 6, SEALED)),
                true));
    for (ServerMessage m : replies) {
      String json = ProtocolCodec.encode(m);
      assertThat(json).contains("\"sealedTitle\":{");
      assertThat(ProtocolCodec.decodeServer(json)).isEqualTo(m);
    }
  }

  @Test
  void aSealedTitleNotWellFormed_isRefusedNamingTheField() {
    String notBase64 =
        "{\"type\":\"rename\",\"id\":\"r1\",\"doc\":\"d\",\"title\":\"t\","
            + "\"sealedTitle\":{\"epoch\":1,\"sealed\":\"not base64!\"}}";
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(notBase64))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("sealedTitle.sealed must be base64");
    String epochZero =
        notBase64.replace("\"epoch\":1", "\"epoch\":0").replace("not base64!", "AA==");
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(epochZero))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("epoch");
    String tooShort = notBase64.replace("not base64!", "AAAA");
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(tooShort))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("at least 29 bytes");
    String tooLong = notBase64.replace("not base64!", "A".repeat(SealedTitle.MAX_SEALED + 4));
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(tooLong))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("at most 1024 characters");
    String notAnObject = notBase64.replace("{\"epoch\":1,\"sealed\":\"not base64!\"}", "\"x\"");
    assertThatThrownBy(() -> ProtocolCodec.decodeRequest(notAnObject))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("sealedTitle");
  }

  @Test
  void theLongestTitle_sealsWithinTheLimit() {
    String longest = "\u20ac".repeat(Ids.MAX_TITLE); // 3 UTF-8 bytes each
    SealedTitle s = TitleCipher.seal("d", 1, BatchCipher.newKey(), longest);
    assertThat(s.sealed().length()).isLessThanOrEqualTo(SealedTitle.MAX_SEALED);
  }
}
