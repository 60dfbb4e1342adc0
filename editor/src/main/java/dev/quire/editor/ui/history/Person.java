package dev.quire.editor.ui.history;

import java.awt.Color;
import java.util.Objects;

/**
 * How a person is shown: the name they chose and their colour, the same in the history as beside
 * their caret.
 */
public record Person(String name, Color colour) {
  public Person {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(colour, "colour == null");
  }
}
