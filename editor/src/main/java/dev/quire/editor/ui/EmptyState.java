package dev.quire.editor.ui;

import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridBagLayout;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.SwingConstants;

/** What the window shows with no document open: a word on what to do, and two buttons for it. */
final class EmptyState extends JPanel {
  EmptyState(Runnable newDocument, Runnable importFile) {
    super(new GridBagLayout());
    JPanel inner = new JPanel(new BorderLayout(0, 12));
    JLabel title = new JLabel("No document open", SwingConstants.CENTER);
    title.setFont(title.getFont().deriveFont(Font.BOLD, title.getFont().getSize2D() + 6f));
    JLabel text =
        new JLabel(
            "<html><div style='text-align:center;width:340px'>Create a document or import a"
                + " file. It is saved on this machine as you type, and shared when a relay is"
                + " set in Sync › Settings.</div></html>",
            SwingConstants.CENTER);
    JPanel buttons = new JPanel(new FlowLayout(FlowLayout.CENTER, 10, 0));
    JButton create = new JButton("New document");
    create.addActionListener(e -> newDocument.run());
    JButton imp = new JButton("Import a file…");
    imp.addActionListener(e -> importFile.run());
    buttons.add(create);
    buttons.add(imp);
    inner.add(title, BorderLayout.NORTH);
    inner.add(text, BorderLayout.CENTER);
    inner.add(buttons, BorderLayout.SOUTH);
    add(inner);
  }
}
