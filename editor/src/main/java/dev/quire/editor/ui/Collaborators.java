package dev.quire.editor.ui;

import dev.quire.editor.sync.RemotePresence;
import java.awt.event.KeyAdapter;
import java.awt.event.KeyEvent;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.swing.JComponent;
import javax.swing.JScrollPane;

/**
 * Who is here and where, in one window: the {@link PeopleList}, the {@link PresenceMarkers} at the
 * edges of the view, jumping to a collaborator's caret, and following one as they move. Following
 * stops, and says why, as soon as the user types, moves the caret, clicks in the text or scrolls:
 * the view is theirs again. Event thread only.
 */
final class Collaborators {
  private final QuireTextArea area;
  private final PeopleList list;
  private final PresenceMarkers markers;
  private final Consumer<String> hint;
  private RemotePresence followed; // as last seen, or null

  /**
   * @param hint a passing remark for the user (the status bar)
   */
  Collaborators(QuireTextArea area, JScrollPane scroll, Consumer<String> hint) {
    this.area = Objects.requireNonNull(area, "area == null");
    this.hint = Objects.requireNonNull(hint, "hint == null");
    this.list = new PeopleList(p -> Carets.line(area, p), this::jumpTo, this::follow);
    this.markers = new PresenceMarkers(area, scroll, this::jumpTo);
    stopWhenTheUserTakesOver(scroll);
  }

  /** The people list, for the window's side. */
  PeopleList list() {
    return list;
  }

  /** The text's scroll pane with the markers over it, for the window's middle. */
  PresenceMarkers view() {
    return markers;
  }

  /** This profile's own name and colour. */
  void showSelf(String name, String colour) {
    list.showSelf(name, colour);
  }

  /** The collaborators now in the open document (the text area already draws their carets). */
  void show(Collection<RemotePresence> presences) {
    list.showPeople(presences);
    markers.update();
    if (followed != null) {
      Optional<RemotePresence> now = current(followed);
      if (now.isEmpty()) {
        stopFollowing(followed.name() + " left");
      } else {
        followed = now.get();
        Carets.show(area, followed, false);
      }
    }
  }

  /** Another document is shown ({@code presences} its collaborators), or none (empty). */
  void documentChanged(Collection<RemotePresence> presences) {
    if (followed != null) {
      stopFollowing(null);
    }
    list.showPeople(presences);
    markers.update();
  }

  /** Takes the view to {@code p}'s caret, where it is now. */
  void jumpTo(RemotePresence p) {
    current(p).ifPresent(now -> Carets.show(area, now, true));
  }

  /** Keeps the view on {@code p}'s caret from now on; null stops. */
  void follow(RemotePresence p) {
    if (p == null) {
      stopFollowing(null);
      return;
    }
    Optional<RemotePresence> now = current(p);
    if (now.isEmpty()) {
      list.showFollowing(null, p.name() + " has left");
      return;
    }
    followed = now.get();
    Carets.show(area, followed, true);
    String message = "Following " + followed.name() + " · type or scroll to stop";
    list.showFollowing(followed.session(), message);
    hint.accept("Following " + followed.name());
  }

  /** The collaborator followed, or null. */
  RemotePresence followed() {
    return followed;
  }

  private void stopFollowing(String why) {
    if (followed == null) {
      return;
    }
    String message = "Stopped following " + followed.name() + (why == null ? "" : ": " + why);
    followed = null;
    list.showFollowing(null, message);
    hint.accept(message);
  }

  private Optional<RemotePresence> current(RemotePresence p) {
    return area.shownPresences().stream().filter(q -> q.session().equals(p.session())).findFirst();
  }

  /** The user's own typing, caret moves, clicks and scrolling end following. */
  private void stopWhenTheUserTakesOver(JScrollPane scroll) {
    area.addKeyListener(
        new KeyAdapter() {
          @Override
          public void keyTyped(KeyEvent e) {
            stopFollowing("you typed");
          }

          @Override
          public void keyPressed(KeyEvent e) {
            if (e.isActionKey()) { // arrows, Page Up/Down, Home, End
              stopFollowing("you moved the caret");
            }
          }
        });
    area.addMouseListener(
        new MouseAdapter() {
          @Override
          public void mousePressed(MouseEvent e) {
            stopFollowing("you clicked in the text");
          }
        });
    scroll.addMouseWheelListener(e -> stopFollowing("you scrolled"));
    MouseAdapter dragged =
        new MouseAdapter() {
          @Override
          public void mousePressed(MouseEvent e) {
            stopFollowing("you scrolled");
          }
        };
    for (JComponent bar :
        new JComponent[] {scroll.getVerticalScrollBar(), scroll.getHorizontalScrollBar()}) {
      bar.addMouseListener(dragged);
    }
  }
}
