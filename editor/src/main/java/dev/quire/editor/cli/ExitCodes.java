package dev.quire.editor.cli;

/** The exit codes of the profile commands, as docs/cli.md lists them. */
final class ExitCodes {
  private ExitCodes() {}

  static final int OK = 0;

  /** The work could not be done: sync stopped with an error, the relay was not reached, ... */
  static final int FAILED = 1;

  /** A bad argument: unknown document, unreadable file, bad option value (also picocli's). */
  static final int USAGE = 2;

  /** The profile cannot be opened: in use, corrupt, or from a newer Quire. */
  static final int PROFILE = 3;
}
