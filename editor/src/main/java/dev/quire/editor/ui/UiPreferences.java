package dev.quire.editor.ui;

import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the window looks for one profile (theme, window bounds, a document's chosen syntax), kept in
 * {@code editor.properties} beside the profile's database. Only looks: losing this file loses no
 * work, so a damaged one is reported in the log and replaced by defaults.
 */
final class UiPreferences {
  private static final Logger log = LoggerFactory.getLogger(UiPreferences.class);
  private final Path file;
  private final Properties props = new Properties();

  UiPreferences(Path profileDir) {
    this.file = profileDir.resolve("editor.properties");
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        props.load(in);
      } catch (IOException | IllegalArgumentException e) {
        log.warn("Ignoring unreadable {}: {}", file, e.getMessage());
        props.clear();
      }
    }
  }

  boolean dark() {
    return "dark".equals(props.getProperty("theme"));
  }

  void setDark(boolean dark) {
    props.setProperty("theme", dark ? "dark" : "light");
    save();
  }

  /** The syntax style chosen for a document, or null to go by its title's extension. */
  String syntax(String docId) {
    return props.getProperty("syntax." + docId);
  }

  void setSyntax(String docId, String style) {
    props.setProperty("syntax." + docId, style);
    save();
  }

  /** Whether long lines of a document wrap, or empty when never chosen for it. */
  java.util.Optional<Boolean> wordWrap(String docId) {
    String v = props.getProperty("wrap." + docId);
    return v == null ? java.util.Optional.empty() : java.util.Optional.of(Boolean.parseBoolean(v));
  }

  void setWordWrap(String docId, boolean wrap) {
    props.setProperty("wrap." + docId, Boolean.toString(wrap));
    save();
  }

  /** A document's text size in percent of the normal size; 100 when never chosen. */
  int zoomPercent(String docId) {
    try {
      int z = Integer.parseInt(props.getProperty("zoom." + docId, "100"));
      return z >= Zoom.MIN && z <= Zoom.MAX ? z : 100;
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  void setZoomPercent(String docId, int percent) {
    props.setProperty("zoom." + docId, Integer.toString(percent));
    save();
  }

  /** How a relay user was last shown: "COLOUR NAME", or null when never seen. */
  String person(String user) {
    return props.getProperty("person." + user);
  }

  void setPerson(String user, String colourAndName) {
    if (!colourAndName.equals(person(user))) {
      props.setProperty("person." + user, colourAndName);
      save();
    }
  }

  Rectangle bounds() {
    return EditorApp.parseBounds(props.getProperty("bounds"));
  }

  void setBounds(Rectangle r) {
    props.setProperty("bounds", r.x + "," + r.y + "," + r.width + "," + r.height);
    save();
  }

  String lastDocument() {
    return props.getProperty("last.document");
  }

  void setLastDocument(String id) {
    props.setProperty("last.document", id);
    save();
  }

  /** Written to a temporary file and moved into place, so a crash never leaves half a file. */
  private void save() {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        props.store(out, "Quire editor preferences");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("Cannot save {}: {}", file, e.getMessage());
    }
  }
}
