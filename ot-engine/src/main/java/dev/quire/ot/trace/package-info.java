/**
 * Replay of recorded editing sessions (the editing-traces format) through the engine: sequential
 * traces as operations on a buffer, concurrent ones through the client state machines and a central
 * sequencer.
 */
@NullMarked
package dev.quire.ot.trace;

import org.jspecify.annotations.NullMarked;
