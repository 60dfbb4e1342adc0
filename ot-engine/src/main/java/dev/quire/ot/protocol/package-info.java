/**
 * The relay protocol: the messages that travel between the editor and the relay over a WebSocket,
 * as immutable records ({@link dev.quire.ot.protocol.ClientMessage}, {@link
 * dev.quire.ot.protocol.ServerMessage}), and their strict JSON codec ({@link
 * dev.quire.ot.protocol.ProtocolCodec}). {@code docs/protocol.md} is the reference for every
 * message, field, error code and limit.
 *
 * <p>Every client message travels as a {@link dev.quire.ot.protocol.Request}, with an id its sender
 * chose; the relay's answers travel as a {@link dev.quire.ot.protocol.Reply} carrying that id back
 * (null for messages no request asked for). A refusal names what could be read of the request it
 * refuses ({@link dev.quire.ot.protocol.RequestHeader}, {@link
 * dev.quire.ot.protocol.ProtocolCodec#peekRequest}).
 *
 * <p>Batches travel as {@link dev.quire.ot.protocol.WireBatch}: the header of {@link
 * dev.quire.ot.sync.Batch} with each operation kept as its JSON text, so that a relay can sequence
 * payloads it does not read. {@link dev.quire.ot.protocol.WireBatch#toBatch()} reads them as
 * operations when the reader wants to.
 *
 * <p>Every message is read by {@code MessageReader} from its {@code Shape}, the one declaration of
 * its fields: in one pass of Jackson's streaming parser for the messages the codec writes, and
 * again as a Jackson tree by the same shapes only when that pass meets something unexpected, to
 * refuse the text with the exact reason or read an unusual one ({@code
 * docs/adr/0010-one-message-reader.md}).
 */
package dev.quire.ot.protocol;
