/**
 * End-to-end encrypted documents: the form of an encrypted batch ({@link SealedBatch}), the bytes
 * its ciphertext is bound to and its signature covers, and the AES-256-GCM of its content ({@link
 * BatchCipher}). Only JDK primitives; the relay uses this package to check signatures without a
 * key, the clients to seal and open batches. See {@code docs/encryption.md}.
 */
@NullMarked
package dev.quire.ot.crypto;

import org.jspecify.annotations.NullMarked;
