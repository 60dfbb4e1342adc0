package dev.quire.editor.ui.history;

import dev.quire.editor.ui.PlainText;
import java.awt.Color;
import java.awt.Component;
import java.awt.FlowLayout;
import java.awt.Graphics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.swing.Icon;
import javax.swing.JLabel;
import javax.swing.JPanel;

/** The authors of the shown revision, each with its colour and share of the text. */
final class AuthorLegend extends JPanel {
  private String shown = "";

  AuthorLegend() {
    super(new FlowLayout(FlowLayout.LEFT, 10, 0));
    setOpaque(false);
    setName("history.legend");
  }

  /** Shows the authors of {@code c}, largest share first; event thread only. */
  void show(Frame.Colouring c, Function<String, Person> people) {
    int[] counts = c.attribution().countsByAuthor();
    List<Integer> order = new ArrayList<>();
    for (int a = 0; a < counts.length; a++) {
      if (counts[a] > 0) {
        order.add(a);
      }
    }
    order.sort((x, y) -> Integer.compare(counts[y], counts[x]));
    StringBuilder key = new StringBuilder();
    List<JLabel> labels = new ArrayList<>();
    for (int a : order) {
      Person person = people.apply(c.authors().get(a));
      String name = person.name();
      double share = 100.0 * counts[a] / c.attribution().length();
      String text =
          String.format(Locale.ROOT, "%s %s", name, share < 1 ? "<1%" : Math.round(share) + "%");
      key.append(text).append('\n');
      JLabel l = PlainText.label(text, new Swatch(person.colour()), JLabel.LEFT);
      l.setToolTipText(name + ": " + counts[a] + " characters of " + c.attribution().length());
      labels.add(l);
    }
    if (order.isEmpty()) {
      key.append("empty");
      labels.add(new JLabel("No text at this revision"));
    }
    if (!key.toString().equals(shown)) {
      shown = key.toString();
      removeAll();
      labels.forEach(this::add);
      revalidate();
      repaint();
    }
  }

  void clear() {
    shown = "";
    removeAll();
    revalidate();
    repaint();
  }

  /** Names, in order, of the authors shown; for tests. */
  List<String> names() {
    List<String> out = new ArrayList<>();
    for (Component k : getComponents()) {
      if (k instanceof JLabel l && l.getIcon() != null) {
        out.add(l.getText().substring(0, l.getText().lastIndexOf(' ')));
      }
    }
    return out;
  }

  /** Colours, in order, of the authors shown; for tests. */
  List<Color> colours() {
    List<Color> out = new ArrayList<>();
    for (Component k : getComponents()) {
      if (k instanceof JLabel l && l.getIcon() instanceof Swatch s) {
        out.add(s.colour());
      }
    }
    return out;
  }

  /** A small square in a person's colour. */
  record Swatch(Color colour) implements Icon {
    @Override
    public void paintIcon(Component c, Graphics g, int x, int y) {
      g.setColor(colour);
      g.fillRoundRect(x, y, getIconWidth(), getIconHeight(), 4, 4);
    }

    @Override
    public int getIconWidth() {
      return 12;
    }

    @Override
    public int getIconHeight() {
      return 12;
    }
  }
}
