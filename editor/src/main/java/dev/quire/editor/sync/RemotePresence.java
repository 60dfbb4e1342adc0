package dev.quire.editor.sync;

import dev.quire.ot.cursor.Selection;
import java.util.Objects;

/**
 * A collaborator's caret or selection, in code points of the current local text.
 *
 * @param session the collaborator's connection (one user may have several)
 * @param user the collaborator's authenticated user name
 * @param name the name they chose to show
 * @param colour their colour, {@code #rrggbb}
 */
public record RemotePresence(
    String session, String user, String name, String colour, Selection selection) {
  public RemotePresence {
    Objects.requireNonNull(session, "session == null");
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(colour, "colour == null");
    Objects.requireNonNull(selection, "selection == null");
  }

  RemotePresence at(Selection s) {
    return new RemotePresence(session, user, name, colour, s);
  }
}
