package dev.quire.ot.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8785's own examples, restricted to the values the writer takes (no fractions). */
class CanonicalJsonTest {

  /** RFC 8785 section 3.2.2.2: the "string" and "literals" members of its example. */
  @Test
  void rfc8785_stringAndLiteralsExample() {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("string", "\u20ac$\u000F\nA'B\"\\\\\"/");
    in.put("literals", Arrays.asList(null, true, false));
    String expected =
        "{\"literals\":[null,true,false],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    assertThat(CanonicalJson.write(in)).isEqualTo(expected);
  }

  /** The same example's UTF-8 bytes, as the RFC gives them in hex (string member only). */
  @Test
  void rfc8785_stringExampleBytes() {
    String out = CanonicalJson.write("\u20ac$\u000F\nA'B\"\\\\\"/");
    assertThat(hex(out.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22");
  }

  /** RFC 8785 section 3.2.3: members sorted by the UTF-16 code units of their names. */
  @Test
  void rfc8785_sortingExample() {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("\u20ac", "Euro Sign");
    in.put("\r", "Carriage Return");
    in.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
    in.put("1", "One");
    in.put("\ud83d\ude00", "Emoji: Grinning Face");
    in.put("\u0080", "Control");
    in.put("\u00f6", "Latin Small Letter O With Diaeresis");
    assertThat(CanonicalJson.write(in))
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  /** The structures example of the RFC authors' test data: nesting, empty objects and arrays. */
  @Test
  void nestedStructures_sortEveryLevelAndKeepArrayOrder() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("f", "hi");
    f.put("F", 5);
    Map<String, Object> one = new LinkedHashMap<>();
    one.put("f", f);
    one.put("\n", 56L);
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("1", one);
    in.put("10", Map.of());
    in.put("", "empty");
    in.put("a", Map.of());
    in.put("111", List.of(Map.of()));
    in.put("A", Map.of());
    assertThat(CanonicalJson.write(in))
        .isEqualTo(
            "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},"
                + "\"111\":[{}],\"A\":{},\"a\":{}}");
  }

  /** Parsed JSON text, as a reader of a history file canonicalises it: RFC 8785's own inputs. */
  @Test
  void parsedTrees_ofTheRfcExamples_canonicaliseAsTheRfcSays() throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    String sorting =
        "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"\\r\": \"Carriage Return\",\n"
            + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"1\": \"One\",\n"
            + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n  \"\\u0080\": \"Control\",\n"
            + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n}";
    StringBuilder out = new StringBuilder();
    CanonicalJson.append(out, mapper.readTree(sorting));
    assertThat(out.toString())
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    String strings =
        "{\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + " \"literals\": [null, true, false]}";
    out.setLength(0);
    CanonicalJson.append(out, mapper.readTree(strings));
    assertThat(out.toString())
        .isEqualTo(
            "{\"literals\":[null,true,false],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    // The example's numbers have fractions and exponents: not canonicalised here, refused.
    assertThatThrownBy(
            () ->
                CanonicalJson.append(
                    new StringBuilder(), mapper.readTree("[333333333.33333329, 1E30]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an integer");
  }

  @Test
  void integers_areDecimalUpToTheSafeLimit() {
    assertThat(CanonicalJson.write(List.of(0L, -1L, 9007199254740991L, -9007199254740991L)))
        .isEqualTo("[0,-1,9007199254740991,-9007199254740991]");
    assertThatThrownBy(() -> CanonicalJson.write(9007199254740992L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2^53");
  }

  @Test
  void unpairedSurrogates_areRefused() {
    assertThatThrownBy(() -> CanonicalJson.write("a\ud83d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired surrogate at UTF-16 index 1");
    assertThatThrownBy(() -> CanonicalJson.write("\ude00b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(CanonicalJson.write("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\"");
  }

  @Test
  void otherTypes_areRefused() {
    assertThatThrownBy(() -> CanonicalJson.write(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Double");
  }

  @Test
  void operations_areCanonicalAsTheyAre() {
    var op = dev.quire.ot.operation.TextOperation.builder().retain(2).insert("\u000b").build();
    assertThat(CanonicalJson.write(Map.of("op", new CanonicalJson.Raw(OperationCodec.toJson(op)))))
        .isEqualTo("{\"op\":[2,\"\\u000b\"]}");
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder();
    for (byte x : bytes) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(String.format("%02x", x & 0xff));
    }
    return b.toString();
  }
}
