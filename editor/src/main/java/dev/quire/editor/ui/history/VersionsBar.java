package dev.quire.editor.ui.history;

import dev.quire.editor.sync.DocumentSession;
import dev.quire.editor.ui.PlainText;
import dev.quire.ot.note.NamedVersion;
import dev.quire.ot.note.Note;
import dev.quire.ot.protocol.Ids;
import java.awt.FlowLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.swing.DefaultComboBoxModel;
import javax.swing.JButton;
import javax.swing.JComboBox;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import org.jspecify.annotations.Nullable;

/**
 * The named versions of a document in its history window: a list to jump to one, "Name this
 * revision…" to name the revision shown, and "Remove name…" to remove the name chosen in the list
 * (only the one who gave a name can remove it). Names and their removals reach everyone with the
 * next batch (they are notes: see {@link Note.Version}, {@link Note.RemoveVersion}); a name not yet
 * acknowledged is marked "sending". Event thread only.
 */
final class VersionsBar extends JPanel {
  /** One entry of the list: the first is a prompt, not a version; {@code named} null unsent. */
  record Item(String label, long revision, @Nullable NamedVersion named) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static final Item PROMPT = new Item("Named versions…", -1, null);

  private final DocumentSession session;
  private final LongSupplier shownRevision;
  private final LongConsumer jumpTo;
  private final JComboBox<Item> list = PlainText.comboBox(); // names given by anyone
  private final JButton name = new JButton("Name this revision…");
  private final JButton remove = new JButton("Remove name…");
  private final Supplier<String> me; // this profile's relay user, or null when not known
  private boolean updating;

  VersionsBar(
      DocumentSession session,
      LongSupplier shownRevision,
      LongConsumer jumpTo,
      Supplier<String> me) {
    super(new FlowLayout(FlowLayout.RIGHT, 6, 0));
    this.session = session;
    this.me = me;
    this.shownRevision = shownRevision;
    this.jumpTo = jumpTo;
    list.setName("history.versions");
    list.setToolTipText("Jump to a named version");
    list.addActionListener(e -> chosen());
    name.setName("history.nameVersion");
    name.setToolTipText(
        "Give the revision shown a name everyone sees, such as \"sent to the client\"");
    name.addActionListener(e -> askName());
    name.setEnabled(!session.readOnly());
    remove.setName("history.removeVersion");
    remove.setToolTipText("Remove the name chosen in the list, for everyone (only names you gave)");
    remove.addActionListener(e -> askRemove());
    add(list);
    add(remove);
    add(name);
    refresh();
  }

  /** Reads the versions again (they changed, or one was acknowledged). */
  void refresh() {
    List<Item> items = new ArrayList<>();
    items.add(PROMPT);
    for (NamedVersion v : session.versionsShown()) {
      items.add(
          new Item(String.format("%s — revision %,d", v.name(), v.revision()), v.revision(), v));
    }
    for (Note.Version v : session.unsentVersions()) {
      if (v.revision() != null) {
        items.add(
            new Item(
                String.format("%s — revision %,d (sending)", v.name(), v.revision()),
                v.revision(),
                null));
      }
    }
    updating = true;
    list.setModel(new DefaultComboBoxModel<>(items.toArray(new Item[0])));
    list.setEnabled(items.size() > 1);
    updating = false;
    remove.setEnabled(removable() != null);
  }

  private void chosen() {
    Item item = (Item) list.getSelectedItem();
    remove.setEnabled(removable() != null);
    if (!updating && item != null && item.revision() >= 0) {
      jumpTo.accept(item.revision());
    }
  }

  /** The version chosen in the list when this user may remove its name, else null. */
  private @Nullable NamedVersion removable() {
    Item item = (Item) list.getSelectedItem();
    if (item == null || item.named() == null || session.readOnly()) {
      return null;
    }
    String user = me.get();
    return user == null || user.equals(item.named().author()) ? item.named() : null;
  }

  private void askRemove() {
    NamedVersion v = removable();
    if (v == null) {
      return;
    }
    // Cancel is the default button: Enter, pressed out of habit, removes nothing.
    Object[] buttons = {"Remove", "Cancel"};
    int answer =
        JOptionPane.showOptionDialog(
            this,
            String.format(
                "Remove the name \"%s\" of revision %,d for everyone?%nThe revision itself stays"
                    + " in the history.",
                v.name(), v.revision()),
            "Remove version name",
            JOptionPane.YES_NO_OPTION,
            JOptionPane.WARNING_MESSAGE,
            null,
            buttons,
            buttons[1]);
    if (answer != 0) {
      return;
    }
    try {
      session.addNote(new Note.RemoveVersion(v.name(), v.revision()));
    } catch (RuntimeException e) {
      JOptionPane.showMessageDialog(
          this,
          "The name was not removed: " + e.getMessage(),
          "Remove version name",
          JOptionPane.ERROR_MESSAGE);
      return;
    }
    refresh();
  }

  private void askName() {
    long revision = shownRevision.getAsLong();
    if (revision < 0) {
      return;
    }
    Object answer =
        JOptionPane.showInputDialog(
            this,
            String.format("Name for revision %,d (everyone with the document sees it):", revision),
            String.format("Name revision %,d", revision),
            JOptionPane.PLAIN_MESSAGE,
            null,
            null,
            "");
    if (answer == null || answer.toString().isBlank()) {
      return;
    }
    String text = answer.toString().strip();
    try {
      Ids.requireText("name", text, Note.MAX_NAME);
      session.addNote(new Note.Version(text, revision));
    } catch (RuntimeException e) {
      JOptionPane.showMessageDialog(
          this, "The version was not named: " + e.getMessage(), "Name", JOptionPane.ERROR_MESSAGE);
      return;
    }
    refresh();
  }

  JComboBox<Item> versionList() {
    return list;
  }

  JButton nameButton() {
    return name;
  }

  JButton removeButton() {
    return remove;
  }
}
