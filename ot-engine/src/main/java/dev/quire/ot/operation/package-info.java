/**
 * Text operations: the values ({@link dev.quire.ot.operation.TextOperation} and its {@link
 * dev.quire.ot.operation.Component components}) and the algebra on them (apply, compose, transform,
 * invert), following ot.js with Unicode code points as the unit.
 *
 * <p>The algorithms live in small stateless package-private classes ({@code Transformer}, {@code
 * Composer}, {@code Inverter}); {@code TextOperation} is the only entry point.
 */
@NullMarked
package dev.quire.ot.operation;

import org.jspecify.annotations.NullMarked;
