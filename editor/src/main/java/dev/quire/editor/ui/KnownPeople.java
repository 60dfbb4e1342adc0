package dev.quire.editor.ui;

import dev.quire.editor.history.HtmlTimeline;
import dev.quire.editor.ui.history.Person;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * The name and colour each relay user chose, as last seen beside their caret (or, for this
 * profile's own user, in its settings), kept in the profile's preferences so that the history shows
 * everyone as the live view does, offline too.
 */
public final class KnownPeople {
  private final UiPreferences prefs;

  KnownPeople(UiPreferences prefs) {
    this.prefs = Objects.requireNonNull(prefs, "prefs == null");
  }

  /**
   * How a profile shows each user, as its windows last saw them: a name and a {@code #rrggbb}
   * colour, or null for a user never seen (for pages written from the profile, such as the HTML
   * timeline).
   */
  public static Function<String, HtmlTimeline.Author> inProfile(Path profileDir) {
    KnownPeople people = new KnownPeople(new UiPreferences(profileDir));
    return user -> {
      Person p = people.of(user);
      return p == null
          ? null
          : new HtmlTimeline.Author(
              p.name(), String.format("#%06x", p.colour().getRGB() & 0xffffff));
    };
  }

  /** {@code user} shows as {@code name} in {@code colour} ({@code #rrggbb}). */
  void seen(String user, String name, String colour) {
    if (!name.isBlank() && colour.matches("#[0-9a-fA-F]{6}")) {
      prefs.setPerson(user, colour + " " + name);
    }
  }

  /** How {@code user} is shown, or null when never seen. */
  Person of(String user) {
    String p = prefs.person(user);
    if (p == null || p.length() < 9 || p.charAt(7) != ' ') {
      return null;
    }
    return new Person(p.substring(8), Colours.parse(p.substring(0, 7)));
  }
}
