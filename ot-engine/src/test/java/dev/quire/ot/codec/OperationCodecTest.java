package dev.quire.ot.codec;

import static dev.quire.ot.operation.UnicodeSamples.FAMILY;
import static dev.quire.ot.operation.UnicodeSamples.FLAG_FR;
import static dev.quire.ot.operation.UnicodeSamples.GRIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.quire.ot.operation.MalformedOperationException;
import dev.quire.ot.operation.TextOperation;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OperationCodecTest {

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String json) {
    return assertThatThrownBy(() -> OperationCodec.fromJson(json))
        .isInstanceOf(MalformedOperationException.class);
  }

  @Nested
  class Encoding {

    @Test
    void toJson_writesOtJsForm() {
      TextOperation op =
          TextOperation.builder().retain(5).insert("abc").delete(3).retain(2).build();
      assertThat(OperationCodec.toJson(op)).isEqualTo("[5,\"abc\",-3,2]");
    }

    @Test
    void toJson_ofEmptyOperationIsEmptyArray() {
      assertThat(OperationCodec.toJson(TextOperation.identity(0))).isEqualTo("[]");
    }

    @Test
    void toJson_escapesQuotesBackslashesAndControlCharacters() {
      TextOperation op = TextOperation.builder().insert("a\"b\\c\nd\te").build();
      assertThat(OperationCodec.toJson(op)).isEqualTo("[\"a\\\"b\\\\c\\nd\\te\"]");
    }

    /**
     * Every character below U+0020, each as RFC 8785 and ot.js ({@code JSON.stringify}) write it.
     */
    @Test
    void toJson_escapesEveryControlCharacterAsRfc8785Does() {
      String[] expected = {
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011",
        "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
        "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"
      };
      for (char c = 0; c < 0x20; c++) {
        TextOperation op = TextOperation.builder().retain(1).insert(c + "x").build();
        String json = OperationCodec.toJson(op);
        assertThat(json).as("U+%04X", (int) c).isEqualTo("[1,\"" + expected[c] + "x\"]");
        assertThat(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo(
                ("[1,\"" + expected[c] + "x\"]")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(OperationCodec.fromJson(json)).isEqualTo(op);
      }
    }

    @Test
    void toJson_writesQuoteBackslashSlashDeleteAndLineSeparatorsAsRfc8785Does() {
      TextOperation op = TextOperation.builder().insert("\"\\/\u007f\u2028\u2029\u0080").build();
      assertThat(OperationCodec.toJson(op)).isEqualTo("[\"\\\"\\\\/\u007f\u2028\u2029\u0080\"]");
    }

    @Test
    void fromJson_readsControlCharacterEscapesInEitherCase() {
      TextOperation vt = TextOperation.builder().retain(3).insert("\u000b\u001f").build();
      assertThat(OperationCodec.fromJson("[3,\"\\u000B\\u001F\"]")).isEqualTo(vt);
      assertThat(OperationCodec.fromJson("[3,\"\\u000b\\u001f\"]")).isEqualTo(vt);
      assertThat(OperationCodec.fromJson("[3, \"\\u000B\\u001F\"]")).isEqualTo(vt);
      assertThat(OperationCodec.readCompact("[3,\"\\u000B\\u001F\"]")).isEqualTo(vt);
      assertThat(OperationCodec.toJson(vt)).isEqualTo("[3,\"\\u000b\\u001f\"]");
    }

    @Test
    void loneSurrogates_cannotBeInAnOperation() {
      assertRefused("[\"\\ud83d\"]");
      assertRefused("[\"a\\ude00\"]");
      assertThatThrownBy(() -> TextOperation.builder().insert("\ud83d").build())
          .isInstanceOf(MalformedOperationException.class);
      // A pair written as two escapes is one astral character, written back as it is (UTF-8).
      assertThat(OperationCodec.toJson(OperationCodec.fromJson("[\"\\ud83d\\ude00\"]")))
          .isEqualTo("[\"" + GRIN + "\"]");
    }

    @Test
    void toJson_writesAstralTextAsIs() {
      TextOperation op = TextOperation.builder().insert(GRIN + FLAG_FR + FAMILY).build();
      assertThat(OperationCodec.toJson(op)).isEqualTo("[\"" + GRIN + FLAG_FR + FAMILY + "\"]");
    }

    @Test
    void toJson_writesIntegerMaxValueCounts() {
      TextOperation op = TextOperation.builder().delete(Integer.MAX_VALUE).build();
      assertThat(OperationCodec.toJson(op)).isEqualTo("[-2147483647]");
    }

    @Test
    void toTree_givesAnArrayOfNumbersAndStrings() {
      ArrayNode tree = OperationCodec.toTree(TextOperation.splice(4, 1, 2, "xy"));
      assertThat(tree.size()).isEqualTo(4);
      assertThat(tree.get(0).intValue()).isEqualTo(1);
      assertThat(tree.get(1).textValue()).isEqualTo("xy");
      assertThat(tree.get(2).intValue()).isEqualTo(-2);
      assertThat(tree.get(3).intValue()).isEqualTo(1);
    }

    @Test
    void toJson_isReadableByPlainJackson() throws Exception {
      TextOperation op = TextOperation.splice(3, 1, 1, GRIN);
      JsonNode parsed = new ObjectMapper().readTree(OperationCodec.toJson(op));
      assertThat(parsed).isEqualTo(OperationCodec.toTree(op));
    }
  }

  @Nested
  class Decoding {

    @Test
    void fromJson_readsOtJsForm() {
      TextOperation op = OperationCodec.fromJson("[5, \"abc\", -3, 2]");
      assertThat(op)
          .isEqualTo(TextOperation.builder().retain(5).insert("abc").delete(3).retain(2).build());
      assertThat(op.baseLength()).isEqualTo(10);
    }

    @Test
    void fromJson_emptyArrayIsTheEmptyOperation() {
      assertThat(OperationCodec.fromJson("[]")).isEqualTo(TextOperation.identity(0));
    }

    @Test
    void fromJson_toleratesWhitespace() {
      assertThat(OperationCodec.fromJson(" \n[ 1 ,\t\"x\" ]\n ")).hasToString("[1, \"x\"]");
    }

    @Test
    void fromJson_decodesEscapedSurrogatePairs() {
      assertThat(OperationCodec.fromJson("[\"\\ud83d\\ude00\"]").component(0).length())
          .isEqualTo(1);
      assertThat(OperationCodec.fromJson("[\"\\ud83d\\ude00\"]"))
          .isEqualTo(TextOperation.builder().insert(GRIN).build());
    }

    @Test
    void fromJson_acceptsNonNormalisedInputAndNormalisesIt_likeOtJs() {
      assertThat(OperationCodec.fromJson("[1, 2]")).hasToString("[3]");
      assertThat(OperationCodec.fromJson("[\"a\", \"b\", -1, -2]")).hasToString("[\"ab\", -3]");
    }

    @Test
    void fromJson_acceptsDeleteBeforeInsertAndPutsInsertFirst_likeOtJs() {
      assertThat(OperationCodec.fromJson("[2, -1, -1, \"cde\"]")).hasToString("[2, \"cde\", -2]");
    }

    @Test
    void fromJson_acceptsCountsUpToIntegerMaxValue() {
      assertThat(OperationCodec.fromJson("[2147483647]").baseLength()).isEqualTo(Integer.MAX_VALUE);
      assertThat(OperationCodec.fromJson("[-2147483647]").baseLength())
          .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void fromJson_refusesNull() {
      assertThatNullPointerException()
          .isThrownBy(() -> OperationCodec.fromJson(null))
          .withMessage("json == null");
    }

    @Test
    void fromTree_readsATree() {
      ArrayNode tree = JsonNodeFactory.instance.arrayNode().add(2).add("x").add(-1);
      assertThat(OperationCodec.fromTree(tree)).hasToString("[2, \"x\", -1]");
    }

    @Test
    void fromTree_refusesNullTree() {
      assertThatThrownBy(() -> OperationCodec.fromTree(null))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("operation must be a JSON array, was nothing");
    }

    @Test
    void fromTree_refusesMissingNode() {
      assertThatThrownBy(() -> OperationCodec.fromTree(MissingNode.getInstance()))
          .isInstanceOf(MalformedOperationException.class)
          .hasMessage("operation must be a JSON array, was nothing");
    }
  }

  @Nested
  class Refusals {

    @Test
    void refusesObject() {
      assertRefused("{\"ops\": [1]}").hasMessage("operation must be a JSON array, was an object");
    }

    @Test
    void refusesNumberAtTopLevel() {
      assertRefused("5").hasMessage("operation must be a JSON array, was the number 5");
    }

    @Test
    void refusesStringAtTopLevel() {
      assertRefused("\"abc\"").hasMessage("operation must be a JSON array, was a string");
    }

    @Test
    void refusesNullAtTopLevel() {
      assertRefused("null").hasMessage("operation must be a JSON array, was null");
    }

    @Test
    void refusesEmptyInput() {
      assertRefused("").hasMessage("operation must be a JSON array, was nothing");
      assertRefused("   ").hasMessage("operation must be a JSON array, was nothing");
    }

    @Test
    void refusesNestedArray() {
      assertRefused("[1, [2]]")
          .hasMessage(
              "operation element 1 must be a non-zero integer or a non-empty string, was an array");
    }

    @Test
    void refusesObjectElement() {
      assertRefused("[{}]")
          .hasMessage(
              "operation element 0 must be a non-zero integer or a non-empty string, was an object");
    }

    @Test
    void refusesFloatEvenWhenIntegral() {
      assertRefused("[1.0]")
          .hasMessage(
              "operation element 0 must be a non-zero integer or a non-empty string, was the number"
                  + " 1.0");
    }

    @Test
    void refusesExponentNotation() {
      assertRefused("[1e2]")
          .hasMessageStartingWith(
              "operation element 0 must be a non-zero integer or a non-empty string, was the number");
    }

    @Test
    void refusesNegativeFloat() {
      assertRefused("[3, -2.5]")
          .hasMessage(
              "operation element 1 must be a non-zero integer or a non-empty string, was the number"
                  + " -2.5");
    }

    @Test
    void refusesHugeExponent() {
      assertRefused("[1e400]")
          .hasMessageStartingWith(
              "operation element 0 must be a non-zero integer or a non-empty string, was the number");
    }

    @Test
    void refusesZero() {
      assertRefused("[1, 0, 1]").hasMessage("operation element 1 is 0");
    }

    @Test
    void refusesNegativeZero() {
      assertRefused("[-0]").hasMessage("operation element 0 is 0");
    }

    @Test
    void refusesRetainBeyondIntRange() {
      assertRefused("[2147483648]").hasMessage("operation element 0 is out of range: 2147483648");
    }

    @Test
    void refusesDeleteOfIntegerMinValue() {
      // -2147483648 fits an int but its delete count, 2147483648, does not.
      assertRefused("[-2147483648]").hasMessage("operation element 0 is out of range: -2147483648");
    }

    @Test
    void refusesDeleteBeyondIntRange() {
      assertRefused("[1, -2147483649]")
          .hasMessage("operation element 1 is out of range: -2147483649");
    }

    @Test
    void refusesBigInteger() {
      assertRefused("[100000000000000000000000]")
          .hasMessage("operation element 0 is out of range: 100000000000000000000000");
    }

    @Test
    void refusesOperationLongerThanIntegerMaxValue() {
      assertRefused("[2147483647, 1]").hasMessage("operation longer than 2147483647 code points");
      assertRefused("[-2147483647, -1]").hasMessage("operation longer than 2147483647 code points");
    }

    @Test
    void refusesEmptyString() {
      assertRefused("[1, \"\"]").hasMessage("operation element 1 is an empty insert");
    }

    @Test
    void refusesNullElement() {
      assertRefused("[null]")
          .hasMessage(
              "operation element 0 must be a non-zero integer or a non-empty string, was null");
    }

    @Test
    void refusesBoolean() {
      assertRefused("[1, true]")
          .hasMessage(
              "operation element 1 must be a non-zero integer or a non-empty string, was a boolean");
    }

    @Test
    void refusesLoneHighSurrogateEscape() {
      assertRefused("[\"\\ud800\"]")
          .hasMessage(
              "operation element 0: text has an unpaired surrogate U+D800 at UTF-16 index 0");
    }

    @Test
    void refusesLoneLowSurrogateEscape() {
      assertRefused("[2, \"ab\\udc00\"]")
          .hasMessage(
              "operation element 1: text has an unpaired surrogate U+DC00 at UTF-16 index 2");
    }

    @Test
    void refusesSurrogateEscapesInWrongOrder() {
      assertRefused("[\"\\ude00\\ud83d\"]").hasMessageContaining("unpaired surrogate U+DE00");
    }

    @Test
    void refusesInvalidJson() {
      assertRefused("[1,").hasMessageStartingWith("operation is not valid JSON: ");
      assertRefused("[1 2]").hasMessageStartingWith("operation is not valid JSON: ");
      assertRefused("['a']").hasMessageStartingWith("operation is not valid JSON: ");
      assertRefused("[NaN]").hasMessageStartingWith("operation is not valid JSON: ");
      assertRefused("[01]").hasMessageStartingWith("operation is not valid JSON: ");
      assertRefused("[1 /* comment */]").hasMessageStartingWith("operation is not valid JSON: ");
    }

    @Test
    void refusesTrailingGarbageAfterTheArray() {
      // Jackson's readTree stops after the first value unless FAIL_ON_TRAILING_TOKENS is enabled.
      assertRefused("[1] [2]")
          .hasMessageStartingWith("operation is not valid JSON: ")
          .hasMessageContaining("Trailing token");
      assertRefused("[1] x").hasMessageStartingWith("operation is not valid JSON: ");
      assertRefused("[1],").hasMessageStartingWith("operation is not valid JSON: ");
      assertRefused("[1] {}").hasMessageStartingWith("operation is not valid JSON: ");
    }

    @Test
    void acceptsTrailingWhitespace() {
      assertThat(OperationCodec.fromJson("[1]  \n")).hasToString("[1]");
    }
  }
}
