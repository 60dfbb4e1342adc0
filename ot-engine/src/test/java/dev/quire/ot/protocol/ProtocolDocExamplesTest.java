package dev.quire.ot.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every JSON example in {@code docs/protocol.md} is a message this codec reads. */
class ProtocolDocExamplesTest {
  private static final Path DOC = Path.of("..", "docs", "protocol.md");

  @Test
  void everyExampleMessage_decodes() throws Exception {
    String md = Files.readString(DOC);
    Matcher blocks = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(md);
    ObjectMapper mapper = new ObjectMapper();
    List<String> read = new ArrayList<>();
    while (blocks.find()) {
      try (JsonParser p = mapper.getFactory().createParser(blocks.group(1));
          MappingIterator<JsonNode> it = mapper.readValues(p, JsonNode.class)) {
        while (it.hasNext()) {
          JsonNode m = it.next();
          if (!m.has("type")) {
            continue; // a fragment (a batch, limits), not a message
          }
          String json = m.toString();
          String type = m.get("type").asText();
          boolean request = m.has("id") && MessageReader.CLIENT.containsKey(type) && isRequest(m);
          if (request) {
            ProtocolCodec.decodeRequest(json);
          } else {
            ProtocolCodec.decodeReply(json);
          }
          read.add(type);
        }
      }
    }
    assertThat(read)
        .contains("hello", "welcome", "submit", "sequenced", "history", "members", "signatures");
    assertThat(read).contains("trash", "restore", "restored", "purge", "purged", "emptyTrash");
    assertThat(read).contains("trashEmptied");
    assertThat(read).contains("device", "devices", "keys", "seal", "sealed");
    assertThat(read).contains("myDevices", "revokeDevice", "deviceRevoked");
  }

  /**
   * Client and relay share some type names (presence, members, trash): the fields tell them apart.
   */
  private static boolean isRequest(JsonNode m) {
    String type = m.get("type").asText();
    return switch (type) {
      case "presence" -> !m.has("session");
      case "members" -> !m.has("members");
      case "signatures" -> !m.has("signatures");
      case "trash" -> !m.has("documents");
      case "device" -> !m.has("user");
      case "devices" -> !m.has("devices");
      case "keys" -> !m.has("envelopes");
      case "myDevices" -> !m.has("devices");
      default -> !MessageReader.SERVER.containsKey(type);
    };
  }
}
