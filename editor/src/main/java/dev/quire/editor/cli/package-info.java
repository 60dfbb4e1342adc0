/**
 * The {@code quire} command line (picocli): the profile commands ({@code docs}, {@code import},
 * {@code export}, {@code show}, {@code history}, {@code sync}, {@code type}, {@code backup}, {@code
 * restore}), {@code verify}, {@code bench} and {@code trace}. docs/cli.md documents their output
 * and exit codes.
 */
package dev.quire.editor.cli;
