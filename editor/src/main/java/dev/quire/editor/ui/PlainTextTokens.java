package dev.quire.editor.ui;

import javax.swing.text.Segment;
import org.fife.ui.rsyntaxtextarea.AbstractTokenMakerFactory;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rsyntaxtextarea.Token;
import org.fife.ui.rsyntaxtextarea.TokenMakerBase;
import org.fife.ui.rsyntaxtextarea.TokenMakerFactory;

/**
 * Plain text as runs of words and of spaces. RSyntaxTextArea's own plain-text tokens put each
 * symbol in a token of its own, and so each half of an emoji (a surrogate pair): drawn apart, the
 * halves show as two boxes. Here a character outside the basic plane stays in one token, drawn
 * whole.
 */
public final class PlainTextTokens extends TokenMakerBase {
  private static boolean installed;

  /** Makes this the plain-text tokenizer of every text area. */
  public static synchronized void install() {
    if (!installed) {
      ((AbstractTokenMakerFactory) TokenMakerFactory.getDefaultInstance())
          .putMapping(
              SyntaxConstants.SYNTAX_STYLE_NONE,
              PlainTextTokens.class.getName(),
              PlainTextTokens.class.getClassLoader());
      installed = true;
    }
  }

  @Override
  public Token getTokenList(Segment text, int initialTokenType, int startOffset) {
    resetTokenList();
    int end = text.offset + text.count;
    int runStart = text.offset;
    for (int i = text.offset; i < end; i++) {
      boolean space = isSpace(text.array[i]);
      boolean next = i + 1 < end && isSpace(text.array[i + 1]);
      if (i + 1 == end || space != next) {
        addToken(
            text.array,
            runStart,
            i,
            space ? Token.WHITESPACE : Token.IDENTIFIER,
            startOffset + runStart - text.offset);
        runStart = i + 1;
      }
    }
    addNullToken();
    return firstToken;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
