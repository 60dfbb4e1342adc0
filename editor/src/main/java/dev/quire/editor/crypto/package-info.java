/**
 * The client's side of end-to-end encrypted documents: the device's X25519 agreement key, document
 * keys sealed to devices with HPKE ({@link KeyEnvelopes}), and the encrypted content of a batch
 * ({@link BatchContent}). See {@code docs/encryption.md}.
 */
@NullMarked
package dev.quire.editor.crypto;

import org.jspecify.annotations.NullMarked;
