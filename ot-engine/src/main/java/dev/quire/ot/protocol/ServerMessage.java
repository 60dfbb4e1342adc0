package dev.quire.ot.protocol;

import dev.quire.ot.cursor.Selection;
import dev.quire.ot.history.Ed25519;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A message from the relay to a client. {@code docs/protocol.md} describes each one. */
public sealed interface ServerMessage {

  /** The wire {@code type}. */
  String type();

  /**
   * Answer to {@code hello}: who the user is, this connection's session id, the limits, and the
   * relay's identity (the same for every relay sharing one storage, see {@code docs/protocol.md}).
   */
  record Welcome(
      int protocol,
      String user,
      String session,
      boolean opaque,
      Limits limits,
      String relay,
      @Nullable String signingKey)
      implements ServerMessage {
    public Welcome {
      Objects.requireNonNull(user, "user == null");
      Objects.requireNonNull(session, "session == null");
      Objects.requireNonNull(limits, "limits == null");
      Ids.requireText("relay", relay, Ids.MAX_NAME);
      if (signingKey != null && !Ed25519.isPublicKey(signingKey)) {
        throw new IllegalArgumentException("signingKey must be an Ed25519 public key in base64");
      }
    }

    /** A welcome without a signing key (since protocol 5 the relay sends one). */
    public Welcome(
        int protocol, String user, String session, boolean opaque, Limits limits, String relay) {
      this(protocol, user, session, opaque, limits, relay, null);
    }

    @Override
    public String type() {
      return "welcome";
    }
  }

  /**
   * A refusal. {@code doc} and {@code request} (the refused message's type) are null when unknown.
   */
  record Error(ErrorCode code, String message, boolean retry, String doc, String request)
      implements ServerMessage {
    public Error {
      Objects.requireNonNull(code, "code == null");
      Objects.requireNonNull(message, "message == null");
    }

    /** An error with the code's own retry flag. */
    public static Error of(ErrorCode code, String message, String doc, String request) {
      return new Error(code, message, code.retry(), doc, request);
    }

    @Override
    public String type() {
      return "error";
    }
  }

  /** A document was created (or it existed already and is the requester's own). */
  record Created(DocumentInfo document) implements ServerMessage {
    public Created {
      Objects.requireNonNull(document, "document == null");
    }

    @Override
    public String type() {
      return "created";
    }
  }

  /**
   * Unsolicited: a document became available to this connection's user (shared with them, their
   * role changed, or they created it from another connection). It answers no request.
   */
  record Available(DocumentInfo document) implements ServerMessage {
    public Available {
      Objects.requireNonNull(document, "document == null");
    }

    @Override
    public String type() {
      return "available";
    }
  }

  /** Unsolicited: this connection's user lost their role on the document. */
  record Unavailable(String doc) implements ServerMessage {
    public Unavailable {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "unavailable";
    }
  }

  /**
   * Answer to {@code list}: a page of the listing, in id order. Unless {@code complete}, more
   * follow the last one: ask with {@code list} after its id.
   */
  record Documents(List<DocumentInfo> documents, boolean complete) implements ServerMessage {
    public Documents {
      documents = List.copyOf(documents);
      if (!complete && documents.isEmpty()) {
        throw new IllegalArgumentException("an incomplete listing holds at least one document");
      }
    }

    /** The whole listing in one message. */
    public Documents(List<DocumentInfo> documents) {
      this(documents, true);
    }

    @Override
    public String type() {
      return "documents";
    }
  }

  /**
   * A document's title changed; sent to the requester and the document's subscribers. {@code
   * sealedTitle} is the title sealed by a member's client (protocol 8), or null.
   */
  record Renamed(String doc, String title, @Nullable SealedTitle sealedTitle)
      implements ServerMessage {
    public Renamed {
      Ids.requireDocumentId(doc);
      Ids.requireTitle(title);
    }

    /** A title in plain text. */
    public Renamed(String doc, String title) {
      this(doc, title, null);
    }

    @Override
    public String type() {
      return "renamed";
    }
  }

  /** A document was deleted; subscribers are unsubscribed. */
  record Deleted(String doc) implements ServerMessage {
    public Deleted {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "deleted";
    }
  }

  /**
   * Answer to {@code trash}: a page of the user's trash, in id order. Unless {@code complete}, more
   * follow the last one: ask with {@code trash} after its id. Protocol 5.
   */
  record Trash(List<TrashedDocument> documents, boolean complete) implements ServerMessage {
    public Trash {
      documents = List.copyOf(documents);
      if (!complete && documents.isEmpty()) {
        throw new IllegalArgumentException("an incomplete listing holds at least one document");
      }
    }

    @Override
    public String type() {
      return "trash";
    }
  }

  /** Answer to {@code restore}: the document as the owner sees it again (protocol 5). */
  record Restored(DocumentInfo document) implements ServerMessage {
    public Restored {
      Objects.requireNonNull(document, "document == null");
    }

    @Override
    public String type() {
      return "restored";
    }
  }

  /** Answer to {@code purge}: the document is gone for good (protocol 5). */
  record Purged(String doc) implements ServerMessage {
    public Purged {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "purged";
    }
  }

  /** Answer to {@code emptyTrash}: how many documents it purged (protocol 5). */
  record TrashEmptied(long purged) implements ServerMessage {
    public TrashEmptied {
      if (purged < 0) {
        throw new IllegalArgumentException("purged must not be negative, was " + purged);
      }
    }

    @Override
    public String type() {
      return "trashEmptied";
    }
  }

  /** Answer to {@code share}; {@code role} null means the user's role was removed. */
  record Shared(String doc, String user, Role role) implements ServerMessage {
    public Shared {
      Ids.requireDocumentId(doc);
      Ids.requireUserName(user);
    }

    @Override
    public String type() {
      return "shared";
    }
  }

  /**
   * Answer to {@code signatures} (since protocol 5): the relay's signed checkpoints of the
   * document's history after the revision asked for, in order, by the relay's key {@code key}
   * (X.509 DER in base64), which signs every {@code interval} revisions and the head; {@code
   * complete} is false when more follow (ask again from the last).
   */
  record Signatures(
      String doc, String key, int interval, List<RelaySignature> signatures, boolean complete)
      implements ServerMessage {
    public Signatures {
      Ids.requireDocumentId(doc);
      if (interval < 1) {
        throw new IllegalArgumentException("interval must be at least 1, was " + interval);
      }
      if (!Ed25519.isPublicKey(key)) {
        throw new IllegalArgumentException("key must be an Ed25519 public key in base64");
      }
      signatures = List.copyOf(signatures);
    }

    @Override
    public String type() {
      return "signatures";
    }
  }

  /**
   * Answer to {@code members}: everyone with a role on the document, the owner first, then by name.
   */
  record Members(String doc, List<Member> members) implements ServerMessage {
    public Members {
      Ids.requireDocumentId(doc);
      members = List.copyOf(members);
    }

    @Override
    public String type() {
      return "members";
    }
  }

  /** Answer to {@code device}: the keys now registered for the connection's device. Protocol 6. */
  record DeviceRegistered(String user, String clientId, DeviceKeys keys) implements ServerMessage {
    public DeviceRegistered {
      Ids.requireUserName(user);
      Ids.requireText("clientId", clientId, Ids.MAX_NAME);
      Objects.requireNonNull(keys, "keys == null");
    }

    @Override
    public String type() {
      return "device";
    }
  }

  /** Answer to {@code myDevices}: the user's devices, by client id. Protocol 8. */
  record UserDevices(List<UserDevice> devices) implements ServerMessage {
    public UserDevices {
      devices = List.copyOf(devices);
    }

    @Override
    public String type() {
      return "myDevices";
    }
  }

  /**
   * Answer to {@code revokeDevice}: the device is revoked, and the key of {@code documents}
   * encrypted documents is due to rotate. Protocol 8.
   */
  record DeviceRevoked(String clientId, long documents) implements ServerMessage {
    public DeviceRevoked {
      Ids.requireText("clientId", clientId, Ids.MAX_NAME);
      if (documents < 0) {
        throw new IllegalArgumentException("documents must not be negative, was " + documents);
      }
    }

    @Override
    public String type() {
      return "deviceRevoked";
    }
  }

  /**
   * Answer to {@code devices}: the registered devices of the document's members, and its current
   * key epoch. Protocol 6. {@code rotationDue} (protocol 8): a member's role was removed since the
   * key last rotated, so the owner's client is to rotate it.
   */
  record Devices(String doc, long epoch, List<Device> devices, boolean rotationDue)
      implements ServerMessage {
    public Devices {
      Ids.requireDocumentId(doc);
      devices = List.copyOf(devices);
    }

    /** An answer with no rotation due. */
    public Devices(String doc, long epoch, List<Device> devices) {
      this(doc, epoch, devices, false);
    }

    @Override
    public String type() {
      return "devices";
    }
  }

  /**
   * Answer to {@code keys}: the document's current epoch and the envelopes sealed to the asking
   * device, each naming its sender. Protocol 6.
   */
  record Keys(String doc, long epoch, List<KeyEnvelope> envelopes) implements ServerMessage {
    public Keys {
      Ids.requireDocumentId(doc);
      envelopes = List.copyOf(envelopes);
    }

    @Override
    public String type() {
      return "keys";
    }
  }

  /** Answer to {@code seal}: the envelopes are stored; {@code epoch} is now current. Protocol 6. */
  record Sealed(String doc, long epoch) implements ServerMessage {
    public Sealed {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "sealed";
    }
  }

  /**
   * Answer to {@code upload}: the relay now holds the document's history up to {@code head}; {@code
   * complete} when that is the head the upload named. Since protocol version 5.
   */
  record Uploaded(String doc, long head, boolean complete) implements ServerMessage {
    public Uploaded {
      Ids.requireDocumentId(doc);
      if (head < 0) {
        throw new IllegalArgumentException("head must not be negative");
      }
    }

    @Override
    public String type() {
      return "uploaded";
    }
  }

  /** The document's text at {@code revision}, sent before the history that follows it. */
  record Snapshot(String doc, long revision, String text) implements ServerMessage {
    public Snapshot {
      Ids.requireDocumentId(doc);
      Objects.requireNonNull(text, "text == null");
      if (revision < 0) {
        throw new IllegalArgumentException("revision must not be negative");
      }
    }

    @Override
    public String type() {
      return "snapshot";
    }
  }

  /**
   * A page of history: whole sequenced batches in order. When {@code complete}, the connection is
   * subscribed and live {@code sequenced} messages follow; otherwise the client asks for the next
   * page with {@code open} from the last revision it got.
   */
  record History(String doc, List<WireSequenced> batches, long head, boolean complete)
      implements ServerMessage {
    public History {
      Ids.requireDocumentId(doc);
      batches = List.copyOf(batches);
    }

    @Override
    public String type() {
      return "history";
    }
  }

  /**
   * Batches just sequenced and committed, in revision order with no gap, for every subscriber of
   * the document: the relay sends what it committed together in one message. A subscriber's own
   * batch among them is its acknowledgement (it gets no {@link Ack} for it).
   */
  record Sequenced(String doc, List<WireSequenced> batches) implements ServerMessage {
    public Sequenced {
      Ids.requireDocumentId(doc);
      batches = List.copyOf(batches);
      if (batches.isEmpty()) {
        throw new IllegalArgumentException("sequenced without batches");
      }
      for (int i = 1; i < batches.size(); i++) {
        if (batches.get(i).firstRevision() != batches.get(i - 1).lastRevision() + 1) {
          throw new IllegalArgumentException(
              "sequenced batches must follow each other: revision "
                  + batches.get(i).firstRevision()
                  + " after "
                  + batches.get(i - 1).lastRevision());
        }
      }
    }

    /** One batch. */
    public Sequenced(String doc, WireSequenced batch) {
      this(doc, List.of(batch));
    }

    @Override
    public String type() {
      return "sequenced";
    }
  }

  /** The submitter's batch {@code batchSeq} holds revisions from {@code firstRevision}. */
  record Ack(String doc, long batchSeq, long firstRevision, long timestampMillis)
      implements ServerMessage {
    public Ack {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "ack";
    }
  }

  /** Someone else's caret or selection in a document, from their session. */
  record PresenceOf(
      String doc,
      String session,
      String user,
      long revision,
      Selection selection,
      String name,
      String colour)
      implements ServerMessage {
    public PresenceOf {
      Ids.requireDocumentId(doc);
      Objects.requireNonNull(session, "session == null");
      Objects.requireNonNull(user, "user == null");
      Objects.requireNonNull(selection, "selection == null");
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(colour, "colour == null");
    }

    @Override
    public String type() {
      return "presence";
    }
  }

  /** A session left a document (unsubscribed or disconnected). */
  record Leave(String doc, String session, String user) implements ServerMessage {
    public Leave {
      Ids.requireDocumentId(doc);
      Objects.requireNonNull(session, "session == null");
      Objects.requireNonNull(user, "user == null");
    }

    @Override
    public String type() {
      return "leave";
    }
  }

  /** Answer to {@code unsubscribe}. */
  record Unsubscribed(String doc) implements ServerMessage {
    public Unsubscribed {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "unsubscribed";
    }
  }
}
