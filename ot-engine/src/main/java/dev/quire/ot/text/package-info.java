/** Mutable text storage that operations are applied to in time proportional to the edit. */
package dev.quire.ot.text;
