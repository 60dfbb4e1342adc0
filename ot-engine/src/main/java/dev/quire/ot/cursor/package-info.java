/**
 * Carets and selections moved through operations, with the rule for text inserted exactly at a
 * caret documented on {@link dev.quire.ot.cursor.CursorTransform}.
 */
@NullMarked
package dev.quire.ot.cursor;

import org.jspecify.annotations.NullMarked;
