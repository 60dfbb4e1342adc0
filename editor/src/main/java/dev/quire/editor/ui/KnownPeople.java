package dev.quire.editor.ui;

import dev.quire.editor.ui.history.Person;
import java.util.Objects;

/**
 * The name and colour each relay user chose, as last seen beside their caret (or, for this
 * profile's own user, in its settings), kept in the profile's preferences so that the history shows
 * everyone as the live view does, offline too.
 */
final class KnownPeople {
  private final UiPreferences prefs;

  KnownPeople(UiPreferences prefs) {
    this.prefs = Objects.requireNonNull(prefs, "prefs == null");
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
