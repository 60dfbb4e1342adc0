package dev.quire.ot.protocol;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How one JSON object of the protocol is read: its fields, in the order they are checked, and the
 * record built from their values. {@link MessageReader} reads every message by its shape, so this
 * is the one place that says which fields a message has and what each must hold.
 */
final class Shape {
  /** What a field holds. */
  enum Kind {
    /** A well-formed string; {@link Field#convert} may turn it into something else or refuse it. */
    STRING,
    /** An integer of at least {@link Field#min}. */
    LONG,
    /** An integer of at least {@link Field#min} that fits an {@code int}. */
    INT,
    /** true or false; when optional and absent, {@link Field#absent}. */
    BOOL,
    /** A role's wire name; {@code "none"} (null) too when {@link Field#noneAllowed}. */
    ROLE,
    /** An object of the shape {@link Field#shape}. */
    OBJECT,
    /** An array of objects of the shape {@link Field#shape}. */
    ARRAY,
    /** As {@link #ARRAY}, but its elements are read after every other field of the object. */
    ARRAY_LAST,
    /** A non-empty array of operations, each kept as its compact JSON text (see WireBatch). */
    OPERATIONS,
    /** A JSON array kept as its text, unread (a batch's notes); optional fields are null. */
    RAW_ARRAY
  }

  /** One field; build them with the static factories of {@link Shape}. */
  record Field(
      String name,
      Kind kind,
      boolean optional,
      long min,
      boolean absent,
      boolean noneAllowed,
      @Nullable Shape shape,
      @Nullable BiFunction<String, String, Object> convert) {}

  final List<Field> fields;
  private final String[] fieldNames;
  final Set<String> names;
  final Set<String> topLevelNames;
  final Function<Object[], Object> build;

  private Shape(Function<Object[], Object> build, Field... fields) {
    this.fields = List.of(fields);
    this.build = build;
    this.fieldNames = new String[fields.length];
    Set<String> n = new HashSet<>();
    for (int i = 0; i < fields.length; i++) {
      fieldNames[i] = fields[i].name().intern();
      n.add(fields[i].name());
    }
    this.names = Set.copyOf(n);
    n.add("type");
    n.add("id"); // read on its own: required in requests, optional in replies
    this.topLevelNames = Set.copyOf(n);
  }

  /** The object whose fields are {@code fields}, built by {@code build} from their values. */
  static Shape of(Function<Object[], Object> build, Field... fields) {
    return new Shape(build, fields);
  }

  /** The index of the field {@code name}, or -1. */
  int indexOf(String name) {
    for (int i = 0; i < fieldNames.length; i++) {
      if (fieldNames[i] == name) { // the parser interns field names: the usual case
        return i;
      }
    }
    for (int i = 0; i < fieldNames.length; i++) {
      if (fieldNames[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  static Field string(String name) {
    return new Field(name, Kind.STRING, false, 0, false, false, null, null);
  }

  static Field optionalString(String name) {
    return new Field(name, Kind.STRING, true, 0, false, false, null, null);
  }

  /**
   * A string turned into its value by {@code convert(path, text)}, which throws a {@link
   * dev.quire.ot.codec.MalformedMessageException} for text it refuses.
   */
  static Field string(String name, BiFunction<String, String, Object> convert) {
    return new Field(name, Kind.STRING, false, 0, false, false, null, convert);
  }

  static Field longValue(String name, long min) {
    return new Field(name, Kind.LONG, false, min, false, false, null, null);
  }

  static Field intValue(String name, int min) {
    return new Field(name, Kind.INT, false, min, false, false, null, null);
  }

  static Field bool(String name) {
    return new Field(name, Kind.BOOL, false, 0, false, false, null, null);
  }

  static Field optionalBool(String name, boolean absent) {
    return new Field(name, Kind.BOOL, true, 0, absent, false, null, null);
  }

  static Field role(String name, boolean noneAllowed) {
    return new Field(name, Kind.ROLE, false, 0, false, noneAllowed, null, null);
  }

  static Field object(String name, Shape shape) {
    return new Field(name, Kind.OBJECT, false, 0, false, false, shape, null);
  }

  static Field optionalObject(String name, Shape shape) {
    return new Field(name, Kind.OBJECT, true, 0, false, false, shape, null);
  }

  static Field array(String name, Shape element) {
    return new Field(name, Kind.ARRAY, false, 0, false, false, element, null);
  }

  static Field arrayReadLast(String name, Shape element) {
    return new Field(name, Kind.ARRAY_LAST, false, 0, false, false, element, null);
  }

  static Field optionalRawArray(String name) {
    return new Field(name, Kind.RAW_ARRAY, true, 0, false, false, null, null);
  }

  static Field operations(String name) {
    return new Field(name, Kind.OPERATIONS, false, 0, false, false, null, null);
  }
}
