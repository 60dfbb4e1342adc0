package dev.quire.ot.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.codec.MalformedMessageException;
import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.sync.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoteCodecTest {
  private static final List<Note> EVERY_KIND =
      List.of(
          new Note.Comment("c1", 3, 9, "Is this right? 😀"),
          new Note.Reply("r1", "c1", "Yes."),
          new Note.Resolve("c1", true),
          new Note.Resolve("c1", false),
          new Note.Edit("r1", "Yes, checked."),
          new Note.Delete("r1"),
          new Note.Version("sent to the client", null),
          new Note.Version("draft", 12L),
          new Note.RemoveVersion("draft", 12L));

  @Test
  void roundTrip_everyKind() {
    String json = NoteCodec.toJson(EVERY_KIND);
    assertThat(json)
        .startsWith("[{\"kind\":\"comment\",\"id\":\"c1\",\"from\":3,\"to\":9,")
        .contains("{\"kind\":\"reopen\",\"comment\":\"c1\"}")
        .contains("{\"kind\":\"version\",\"name\":\"draft\",\"revision\":12}")
        .endsWith("{\"kind\":\"removeVersion\",\"name\":\"draft\",\"revision\":12}]");
    assertThat(NoteCodec.fromJson(json, "notes")).isEqualTo(EVERY_KIND);
  }

  @Test
  void fromJson_namesTheOffendingField() {
    assertThatThrownBy(() -> NoteCodec.fromJson("[{\"kind\":\"comment\",\"id\":\"c\"}]", "notes"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("notes[0].from is missing");
    assertThatThrownBy(
            () -> NoteCodec.fromJson("[{\"kind\":\"reply\",\"id\":\"r\",\"x\":1}]", "b.notes"))
        .hasMessage("b.notes[0].x is not a field of a reply");
    assertThatThrownBy(() -> NoteCodec.fromJson("[{\"kind\":\"like\"}]", "notes"))
        .hasMessage("notes[0].kind \"like\" is not a note kind");
    assertThatThrownBy(
            () ->
                NoteCodec.fromJson(
                    "[{\"kind\":\"comment\",\"id\":\"c\",\"from\":5,\"to\":2,\"text\":\"t\"}]",
                    "notes"))
        .hasMessageContaining("notes[0]: comment anchor [5, 2)");
    assertThatThrownBy(
            () -> NoteCodec.fromJson("[{\"kind\":\"removeVersion\",\"name\":\"v\"}]", "notes"))
        .hasMessage("notes[0].revision is missing");
    assertThatThrownBy(() -> NoteCodec.fromJson("[]", "notes"))
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> NoteCodec.fromJson("[{\"kind\":\"delete\",\"id\":\" \"}]", "notes"))
        .hasMessageContaining("must not be blank");
  }

  @Test
  void fromJson_refusesTooManyAndTooLong() {
    String one = "{\"kind\":\"delete\",\"id\":\"x\"}";
    String many = "[" + String.join(",", java.util.Collections.nCopies(101, one)) + "]";
    assertThatThrownBy(() -> NoteCodec.fromJson(many, "notes"))
        .hasMessage("notes holds 101 notes, more than 100");
    String longText = "a".repeat(Note.MAX_TEXT + 1);
    assertThatThrownBy(
            () ->
                NoteCodec.fromJson(
                    "[{\"kind\":\"edit\",\"id\":\"x\",\"text\":\"" + longText + "\"}]", "notes"))
        .hasMessageContaining("at most 10000 characters");
  }

  @Test
  void submit_carriesNotesThroughTheProtocolCodec() {
    Batch batch =
        new Batch(
            "c1",
            1,
            0,
            List.of(dev.quire.ot.operation.TextOperation.splice(0, 0, 0, "hello")),
            EVERY_KIND);
    WireBatch wire = WireBatch.of(batch, 5);
    String json = ProtocolCodec.encode("r1", new ClientMessage.Submit("d", wire));
    assertThat(json).contains("\"notes\":[{\"kind\":\"comment\"");
    ClientMessage.Submit read = (ClientMessage.Submit) ProtocolCodec.decodeRequest(json).message();
    assertThat(read.batch()).isEqualTo(wire);
    assertThat(read.batch().toBatch()).isEqualTo(batch);
  }

  @Test
  void submit_withoutNotes_hasNoNotesField() {
    WireBatch wire = new WireBatch("c1", 1, 0, List.of("[\"x\"]"), 5);
    String json = ProtocolCodec.encode("r1", new ClientMessage.Submit("d", wire));
    assertThat(json).doesNotContain("notes");
    assertThat(((ClientMessage.Submit) ProtocolCodec.decodeRequest(json).message()).batch())
        .isEqualTo(wire);
  }

  @Test
  void toBatch_refusesMalformedNotes() {
    WireBatch wire = new WireBatch("c1", 1, 0, List.of("[\"x\"]"), 5, "[{\"kind\":\"resolve\"}]");
    assertThatThrownBy(wire::toBatch)
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("batch.notes[0].comment is missing");
  }
}
