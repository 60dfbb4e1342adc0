package dev.quire.editor.cli;

import dev.quire.editor.store.LocalStore;
import dev.quire.editor.store.Settings;
import dev.quire.editor.ui.EditorApp;
import dev.quire.editor.ui.EditorWindow;
import java.awt.Rectangle;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quire edit [DOC]}: the editor window on a profile. */
@Command(
    name = "edit",
    mixinStandardHelpOptions = true,
    description = {
      "Opens the editor window on a profile. Options given here are remembered in the profile.",
      "Without a relay it works offline; documents sync once one is set (Sync > Settings)."
    })
final class EditCommand extends ProfileCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DOC", description = "a document to open")
  String doc;

  @Option(
      names = "--relay",
      paramLabel = "URL[,URL...]",
      description = "the relay, ws://host:port; several, comma-separated, are tried in order")
  String relay;

  @Option(names = "--token", description = "your token on that relay")
  String token;

  @Option(names = "--name", description = "the name others see next to your caret")
  String name;

  @Option(names = "--colour", description = "your caret colour, #rrggbb")
  String colour;

  @Option(names = "--theme", description = "light or dark")
  String theme;

  @Option(names = "--bounds", paramLabel = "X,Y,W,H", description = "where to put the window")
  String bounds;

  @Override
  String cannotRun() {
    return EditorApp.cannotShowWindows(); // before the profile is opened: nothing made for nothing
  }

  @Override
  int run(LocalStore store, PrintWriter out) {
    List<URI> relays = relay == null ? null : RelayOptions.parse(relay);
    if (colour != null && !colour.matches("#[0-9a-fA-F]{6}")) {
      throw new CliException(ExitCodes.USAGE, "--colour is #rrggbb, not " + colour);
    }
    Boolean dark = theme == null ? null : parseTheme(theme);
    Rectangle where = bounds == null ? null : parseBounds(bounds);
    Settings s = await(store.settings());
    Settings changed =
        new Settings(
            relays != null ? relays : s.relays(),
            token != null ? token : s.token(),
            name != null ? name : s.displayName(),
            colour != null ? colour : s.colour());
    if (!changed.equals(s)) {
      await(store.saveSettings(changed));
    }
    if (doc != null && changed.relays().isEmpty()) {
      document(store, doc); // with a relay, the window waits for its list to bring DOC
    }
    EditorWindow w = EditorApp.show(store, changed, where, dark, doc);
    try {
      EditorApp.awaitClosed(w);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  static boolean parseTheme(String theme) {
    return switch (theme) {
      case "dark" -> true;
      case "light" -> false;
      default -> throw new CliException(ExitCodes.USAGE, "--theme is light or dark, not " + theme);
    };
  }

  static Rectangle parseBounds(String b) {
    Rectangle r = EditorApp.parseBounds(b);
    if (r == null) {
      throw new CliException(ExitCodes.USAGE, "--bounds is X,Y,WIDTH,HEIGHT, not " + b);
    }
    return r;
  }
}
