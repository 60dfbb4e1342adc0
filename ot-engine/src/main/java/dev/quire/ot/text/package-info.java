/** Mutable text storage that operations are applied to in time proportional to the edit. */
@NullMarked
package dev.quire.ot.text;

import org.jspecify.annotations.NullMarked;
