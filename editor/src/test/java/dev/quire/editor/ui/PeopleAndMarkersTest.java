package dev.quire.editor.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.sync.RemotePresence;
import java.awt.Rectangle;
import java.awt.event.MouseEvent;
import java.awt.event.MouseWheelEvent;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.swing.JButton;
import javax.swing.JList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who is here and where, in two real windows on one relay: Alice's people list and the markers at
 * the edges of her view show where Bob's caret is, and take her there or follow him.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeopleAndMarkersTest {
  /** A line longer than the view (code does not wrap), then 200 short lines. */
  private static final String TEXT =
      "long ".repeat(100)
          + "end\n"
          + IntStream.rangeClosed(2, 201)
              .mapToObj(i -> "line " + i)
              .collect(Collectors.joining("\n"))
          + "\n";

  @TempDir Path dir;
  private TwoWindows w;

  @BeforeEach
  void open() {
    Gui.requireDisplay();
    w =
        new TwoWindows(
            dir,
            "notes.java",
            TEXT,
            new Rectangle(0, 0, 700, 600),
            new Rectangle(720, 0, 700, 600));
  }

  @AfterEach
  void close() {
    if (w != null) {
      w.close();
    }
  }

  @Test
  void thePeopleListShowsWhoIsHere_andClickingANameGoesToTheirCaret() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    moveBobTo(lineStart(150));
    Gui.await("Bob in Alice's list", () -> names().getModel().getSize() == 1);
    assertThat(Gui.onEdt(() -> names().getModel().getElementAt(0).name())).isEqualTo("Bob");
    assertThat(Gui.onEdt(() -> rowText(0))).contains("Bob").contains("line 150");
    assertThat(Gui.onEdt(() -> bobAtAlices().colour())).isEqualTo("#2563eb");
    assertThat(Gui.onEdt(() -> bobInAlicesView())).isFalse();

    Gui.run(
        () -> {
          JList<RemotePresence> list = names();
          Rectangle cell = list.getCellBounds(0, 0);
          int x = cell.x + cell.width / 2;
          int y = cell.y + cell.height / 2;
          long now = System.currentTimeMillis();
          for (int id :
              new int[] {
                MouseEvent.MOUSE_PRESSED, MouseEvent.MOUSE_RELEASED, MouseEvent.MOUSE_CLICKED
              }) {
            list.dispatchEvent(
                new MouseEvent(list, id, now, 0, x, y, 1, false, MouseEvent.BUTTON1));
          }
        });
    Gui.await("Alice's view on Bob's caret", this::bobInAlicesView);
    assertThat(Gui.onEdt(() -> w.alice.textArea().getCaretPosition()))
        .as("Alice's own caret stays where it was")
        .isZero();
  }

  @Test
  void aMarkerAtTheEdgeShowsWhereAnOffScreenCaretIs_andTakesTheViewThere() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    moveBobTo(lineStart(150));
    Gui.await("a marker for Bob below Alice's view", () -> side() == PresenceMarkers.Side.BELOW);
    JButton below = Gui.onEdt(() -> marker());
    assertThat(Gui.onEdt(below::getText)).contains("Bob");
    assertThat(Gui.onEdt(below::getBackground)).isEqualTo(Colours.parse("#2563eb"));
    Rectangle port = Gui.onEdt(this::viewportInMarkers);
    Rectangle at = Gui.onEdt(below::getBounds);
    assertThat(at.y + at.height).as("at the bottom edge").isGreaterThan(port.y + port.height - 30);

    Gui.run(below::doClick);
    Gui.await("Alice's view on Bob's caret", this::bobInAlicesView);
    Gui.await("no marker once his caret shows", () -> side() == null);

    moveBobTo(lineStart(3));
    Gui.await("a marker for Bob above Alice's view", () -> side() == PresenceMarkers.Side.ABOVE);
    at = Gui.onEdt(() -> marker().getBounds());
    assertThat(at.y).as("at the top edge").isLessThan(port.y + 10);
    Gui.run(() -> marker().doClick());
    Gui.await("Alice's view back up", this::bobInAlicesView);

    // The end of the long first line, beyond the right edge of Alice's view (code does not wrap).
    Gui.run(() -> w.alice.textArea().scrollRectToVisible(new Rectangle(0, 0, 1, 1)));
    moveBobTo(TEXT.indexOf('\n'));
    Gui.await("a marker for Bob on the right", () -> side() == PresenceMarkers.Side.RIGHT);
    at = Gui.onEdt(() -> marker().getBounds());
    assertThat(at.x + at.width).as("at the right edge").isGreaterThan(port.x + port.width - 30);
    Gui.run(() -> marker().doClick());
    Gui.await("Alice's view on the end of the long line", this::bobInAlicesView);
    assertThat(Gui.onEdt(() -> w.alice.textArea().getVisibleRect().x)).isPositive();
  }

  @Test
  void followingKeepsTheViewOnThem_andStopsWhenTheUserTypesOrScrolls() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    moveBobTo(lineStart(5));
    Gui.await("Bob in Alice's list", () -> names().getModel().getSize() == 1);
    follow();
    moveBobTo(lineStart(150));
    Gui.await("Alice's view follows Bob down", this::bobInAlicesView);
    moveBobTo(lineStart(40));
    Gui.await("Alice's view follows Bob up", this::bobInAlicesView);
    assertThat(Gui.onEdt(() -> people().followState())).startsWith("Following Bob");

    Gui.type(w.alice.textArea(), "x");
    assertThat(Gui.onEdt(() -> collaborators().followed())).isNull();
    assertThat(Gui.onEdt(() -> people().followState()))
        .isEqualTo("Stopped following Bob: you typed");
    assertThat(Gui.onEdt(() -> people().followButton().isSelected())).isFalse();

    follow();
    Gui.run(
        () -> {
          PresenceMarkers view = collaborators().view();
          java.awt.Component scroll = view.getComponent(view.getComponentCount() - 1);
          scroll.dispatchEvent(
              new MouseWheelEvent(
                  scroll,
                  MouseEvent.MOUSE_WHEEL,
                  System.currentTimeMillis(),
                  0,
                  50,
                  50,
                  0,
                  false,
                  MouseWheelEvent.WHEEL_UNIT_SCROLL,
                  3,
                  1));
        });
    assertThat(Gui.onEdt(() -> people().followState()))
        .isEqualTo("Stopped following Bob: you scrolled");
    Gui.run(() -> w.alice.textArea().scrollRectToVisible(new Rectangle(0, 0, 1, 1)));
    moveBobTo(lineStart(180));
    assertThat(Gui.onEdt(() -> bobInAlicesView())).as("no longer followed").isFalse();
  }

  @Test
  void aMovedCaretLeavesNoTraceOnScreen() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    moveBobTo(lineStart(4));
    Rectangle was = Gui.onEdt(() -> onScreen(Carets.rectangle(w.alice.textArea(), bobAtAlices())));
    Gui.await("Bob's caret on Alice's screen", () -> bobColourIn(was));
    moveBobTo(lineStart(9));
    Rectangle now = Gui.onEdt(() -> onScreen(Carets.rectangle(w.alice.textArea(), bobAtAlices())));
    Gui.await("Bob's caret on Alice's screen where it went", () -> bobColourIn(now));
    Gui.await("nothing left where it was", () -> !bobColourIn(was));
  }

  /**
   * A name flag drawn over the line above the caret hides that text: it shows while its owner moves
   * and under the pointer, and gives the text back otherwise.
   */
  @Test
  void aNameFlagShowsWhenTheCaretMoves_thenLeavesTheTextAlone_andShowsAgainUnderThePointer() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    moveBobTo(lineStart(6));
    Rectangle flag =
        Gui.onEdt(() -> flagOnScreen(Carets.rectangle(w.alice.textArea(), bobAtAlices())));
    // Shown for a moment only: asked of the text area at once rather than read off the screen.
    assertThat(Gui.onEdt(() -> w.alice.textArea().flagShown(bobAtAlices())))
        .as("Bob's name flag above his caret as he moves")
        .isTrue();
    Gui.await(
        "the flag gone a moment after he stopped",
        java.time.Duration.ofSeconds(15),
        () -> !bobColourIn(flag));

    Gui.run(() -> hover(Carets.rectangle(w.alice.textArea(), bobAtAlices())));
    Gui.await("the flag back under Alice's pointer", () -> bobColourIn(flag));
    Gui.run(() -> hover(new Rectangle(400, 400, 2, 10)));
    Gui.await("the flag gone when the pointer leaves", () -> !bobColourIn(flag));

    moveBobTo(lineStart(6) + 3);
    assertThat(Gui.onEdt(() -> w.alice.textArea().flagShown(bobAtAlices())))
        .as("the flag back when he moves again")
        .isTrue();
  }

  @Test
  void aFlagNearTheRightEdge_isMovedLeftToShowWhole() {
    QuireTextArea a = w.alice.textArea();
    Rectangle view = Gui.onEdt(a::getVisibleRect);
    Rectangle atEdge = new Rectangle(view.x + view.width - 3, 100, 2, 16);
    Rectangle flag = Gui.onEdt(() -> a.flag(atEdge, "Bob Marley-Ångström"));
    assertThat(flag.x + flag.width).isLessThanOrEqualTo(view.x + view.width);
    assertThat(flag.width).isGreaterThan(40);
    Rectangle inside = new Rectangle(view.x + 10, 100, 2, 16);
    assertThat(Gui.onEdt(() -> a.flag(inside, "Bob")).x)
        .as("where the caret is")
        .isEqualTo(view.x + 9);
  }

  /** A whole repaint per caret move of every collaborator would hold up painting their edits. */
  @Test
  void aCollaboratorsCaretMoveRepaintsOnlyTheLinesItWasAndIsOn() {
    Gui.run(() -> w.alice.textArea().setCaretPosition(0));
    moveBobTo(lineStart(4));
    java.util.List<Rectangle> dirty = new java.util.concurrent.CopyOnWriteArrayList<>();
    javax.swing.RepaintManager normal =
        Gui.onEdt(() -> javax.swing.RepaintManager.currentManager(w.alice));
    Gui.run(
        () ->
            javax.swing.RepaintManager.setCurrentManager(
                new javax.swing.RepaintManager() {
                  @Override
                  public void addDirtyRegion(
                      javax.swing.JComponent c, int x, int y, int width, int height) {
                    if (c == w.alice.textArea()) {
                      dirty.add(new Rectangle(x, y, width, height));
                    }
                    super.addDirtyRegion(c, x, y, width, height);
                  }
                }));
    try {
      moveBobTo(lineStart(9));
    } finally {
      Gui.run(() -> javax.swing.RepaintManager.setCurrentManager(normal));
    }
    int lineHeight = Gui.onEdt(() -> w.alice.textArea().getLineHeight());
    assertThat(dirty).as("Alice's text repainted for Bob's move").isNotEmpty();
    assertThat(dirty)
        .allSatisfy(
            r -> assertThat(r.height).as("a repaint of " + r).isLessThanOrEqualTo(4 * lineHeight));
  }

  // ---- helpers ----

  /** The inside of the name flag drawn on the line above {@code caret}, on screen. */
  private Rectangle flagOnScreen(Rectangle caret) {
    java.awt.Point p = w.alice.textArea().getLocationOnScreen();
    return new Rectangle(p.x + caret.x + 2, p.y + caret.y - 6, 10, 4);
  }

  /** Moves the pointer over Alice's text area to the middle of {@code r}. */
  private void hover(Rectangle r) {
    QuireTextArea a = w.alice.textArea();
    a.dispatchEvent(
        new MouseEvent(
            a,
            MouseEvent.MOUSE_MOVED,
            System.currentTimeMillis(),
            0,
            r.x + r.width / 2,
            r.y + r.height / 2,
            0,
            false));
  }

  private Rectangle onScreen(Rectangle inArea) {
    java.awt.Point p = w.alice.textArea().getLocationOnScreen();
    return new Rectangle(p.x + inArea.x - 2, p.y + inArea.y, 6, inArea.height);
  }

  /** Whether any pixel on screen in {@code r} has Bob's colour. */
  private static boolean bobColourIn(Rectangle r) {
    try {
      java.awt.image.BufferedImage img = new java.awt.Robot().createScreenCapture(r);
      int bob = Colours.parse("#2563eb").getRGB();
      for (int x = 0; x < img.getWidth(); x++) {
        for (int y = 0; y < img.getHeight(); y++) {
          if (img.getRGB(x, y) == bob) {
            return true;
          }
        }
      }
      return false;
    } catch (java.awt.AWTException e) {
      throw new IllegalStateException(e);
    }
  }

  private void follow() {
    Gui.run(
        () -> {
          names().setSelectedIndex(0);
          people().followButton().doClick(0);
        });
    assertThat(Gui.onEdt(() -> collaborators().followed().name())).isEqualTo("Bob");
  }

  /** Moves Bob's caret and waits until Alice's window has it there. */
  private void moveBobTo(int offset) {
    Gui.run(() -> w.bob.textArea().setCaretPosition(offset));
    Gui.await(
        "Bob's caret at " + offset + " in Alice's window",
        () ->
            w.alice.textArea().shownPresences().stream()
                .anyMatch(p -> p.name().equals("Bob") && p.selection().head() == offset));
  }

  private int lineStart(int line) {
    return Gui.onEdt(() -> w.bob.textArea().getLineStartOffset(line - 1));
  }

  private Collaborators collaborators() {
    return w.alice.collaborators();
  }

  private PeopleList people() {
    return collaborators().list();
  }

  private JList<RemotePresence> names() {
    return people().names();
  }

  private String rowText(int i) {
    JList<RemotePresence> list = names();
    return ((javax.swing.JLabel)
            list.getCellRenderer()
                .getListCellRendererComponent(
                    list, list.getModel().getElementAt(i), i, false, false))
        .getText();
  }

  private RemotePresence bobAtAlices() {
    return w.alice.textArea().shownPresences().stream()
        .filter(p -> p.name().equals("Bob"))
        .findFirst()
        .orElseThrow();
  }

  private boolean bobInAlicesView() {
    QuireTextArea a = w.alice.textArea();
    Rectangle caret = Carets.rectangle(a, bobAtAlices());
    return caret != null && PresenceMarkers.sideOf(caret, a.getVisibleRect()) == null;
  }

  private PresenceMarkers.Side side() {
    return collaborators().view().sides().get(bobAtAlices().session());
  }

  private JButton marker() {
    return collaborators().view().marker(bobAtAlices().session());
  }

  private Rectangle viewportInMarkers() {
    PresenceMarkers m = collaborators().view();
    javax.swing.JViewport v =
        w.alice.textArea().getParent() instanceof javax.swing.JViewport p ? p : null;
    return javax.swing.SwingUtilities.convertRectangle(v.getParent(), v.getBounds(), m);
  }
}
