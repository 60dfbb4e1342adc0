package dev.quire.editor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where a search matches a text, in char offsets: plain or a regular expression, case-sensitive or
 * not, whole words or anywhere. A value; build one with {@link #of}.
 */
final class TextMatches {
  /** One match: chars {@code start} to {@code end}, and what replaces it. */
  record Match(int start, int end, String replacement) {}

  /** How to search. */
  record Query(String text, boolean matchCase, boolean wholeWord, boolean regex) {
    Query {
      Objects.requireNonNull(text, "text == null");
    }
  }

  private final List<Match> matches;

  private TextMatches(List<Match> matches) {
    this.matches = List.copyOf(matches);
  }

  /**
   * The matches of {@code query} in {@code text}, each with its replacement by {@code replaceWith}
   * (with {@code $1} groups for a regular expression; literal otherwise).
   *
   * @throws PatternSyntaxException when the query is a regular expression that does not compile
   */
  static TextMatches of(Query query, CharSequence text, String replaceWith) {
    if (query.text().isEmpty()) {
      return new TextMatches(List.of());
    }
    Matcher m = pattern(query).matcher(text);
    String replacement = query.regex() ? replaceWith : Matcher.quoteReplacement(replaceWith);
    List<Match> found = new ArrayList<>();
    StringBuilder replaced = new StringBuilder();
    int lastEnd = 0;
    while (m.find()) {
      if (m.end() == m.start()) {
        continue; // an empty match (say, "x*") finds nothing a user could see
      }
      int before = replaced.length() + (m.start() - lastEnd);
      m.appendReplacement(replaced, replacement);
      found.add(new Match(m.start(), m.end(), replaced.substring(before)));
      lastEnd = m.end();
    }
    return new TextMatches(found);
  }

  private static Pattern pattern(Query q) {
    String p = q.regex() ? q.text() : Pattern.quote(q.text());
    if (q.wholeWord()) {
      p = "(?<![\\p{L}\\p{N}_])(?:" + p + ")(?![\\p{L}\\p{N}_])";
    }
    int flags =
        Pattern.MULTILINE | (q.matchCase() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    return Pattern.compile(p, flags);
  }

  List<Match> all() {
    return matches;
  }

  int size() {
    return matches.size();
  }

  boolean isEmpty() {
    return matches.isEmpty();
  }

  Match get(int i) {
    return matches.get(i);
  }

  /** The index of the match exactly from {@code start} to {@code end}, or -1. */
  int indexOf(int start, int end) {
    for (int i = 0; i < matches.size(); i++) {
      if (matches.get(i).start() == start && matches.get(i).end() == end) {
        return i;
      }
    }
    return -1;
  }

  /** The first match starting at or after {@code offset}, wrapping to the first; -1 if none. */
  int firstFrom(int offset) {
    for (int i = 0; i < matches.size(); i++) {
      if (matches.get(i).start() >= offset) {
        return i;
      }
    }
    return matches.isEmpty() ? -1 : 0;
  }

  /** The last match starting before {@code offset}, wrapping to the last; -1 if none. */
  int lastBefore(int offset) {
    for (int i = matches.size() - 1; i >= 0; i--) {
      if (matches.get(i).start() < offset) {
        return i;
      }
    }
    return matches.size() - 1;
  }
}
