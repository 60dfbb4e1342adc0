/**
 * The JSON wire forms shared by the relay and the editor. Jackson is the engine's only runtime
 * dependency, and only this package uses it.
 */
@NullMarked
package dev.quire.ot.codec;

import org.jspecify.annotations.NullMarked;
