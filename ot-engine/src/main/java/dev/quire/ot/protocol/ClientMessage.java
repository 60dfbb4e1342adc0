package dev.quire.ot.protocol;

import dev.quire.ot.cursor.Selection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message from a client to the relay. Each record validates its fields when built, so a decoded
 * message is always well-formed; whether it fits the relay's state (the document exists, the base
 * revision is known, ...) is the relay's to check. {@code docs/protocol.md} describes each one.
 */
public sealed interface ClientMessage {

  /** The wire {@code type}. */
  String type();

  /** The document the message is about, or null. */
  default @Nullable String doc() {
    return null;
  }

  /** First message on a connection: the protocol version and the user's credentials. */
  record Hello(int protocol, String token, String clientId) implements ClientMessage {
    public Hello {
      Objects.requireNonNull(token, "token == null");
      Ids.requireText("clientId", clientId, Ids.MAX_NAME);
    }

    @Override
    public String type() {
      return "hello";
    }

    @Override
    public String toString() {
      return "Hello[protocol=" + protocol + ", clientId=" + clientId + "]"; // never the token
    }
  }

  /**
   * Creates a document; {@code doc} is the id the client chose, or null for the relay to pick.
   * {@code encrypted} (protocol 6) makes it an end-to-end encrypted document; {@code sealedTitle}
   * (protocol 8, encrypted documents only, or null) is its title sealed with its key, {@code title}
   * then being a placeholder.
   */
  record Create(String doc, String title, boolean encrypted, @Nullable SealedTitle sealedTitle)
      implements ClientMessage {
    public Create {
      if (doc != null) {
        Ids.requireDocumentId(doc);
      }
      Ids.requireTitle(title);
    }

    /** A document whose title is not sealed. */
    public Create(String doc, String title, boolean encrypted) {
      this(doc, title, encrypted, null);
    }

    /** A document the relay may read (as its mode says). */
    public Create(String doc, String title) {
      this(doc, title, false);
    }

    @Override
    public String type() {
      return "create";
    }
  }

  /**
   * Lists the documents the user may see, in id order, after the id {@code after} (null: from the
   * first); the answer may come in several pages.
   */
  record ListDocuments(String after) implements ClientMessage {
    public ListDocuments {
      if (after != null) {
        Ids.requireDocumentId(after);
      }
    }

    /** From the first document. */
    public ListDocuments() {
      this(null);
    }

    @Override
    public String type() {
      return "list";
    }
  }

  /**
   * Gives a document a new title (owner and editors); {@code sealedTitle} (protocol 8, encrypted
   * documents only, or null) is the title sealed with the document's key, {@code title} then being
   * a placeholder.
   */
  record Rename(String doc, String title, @Nullable SealedTitle sealedTitle)
      implements ClientMessage {
    public Rename {
      Ids.requireDocumentId(doc);
      Ids.requireTitle(title);
    }

    /** A title in plain text. */
    public Rename(String doc, String title) {
      this(doc, title, null);
    }

    @Override
    public String type() {
      return "rename";
    }
  }

  /** Deletes a document (owner only). */
  record Delete(String doc) implements ClientMessage {
    public Delete {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "delete";
    }
  }

  /**
   * Lists the documents in the user's trash (deleted, not yet purged), in id order, after the id
   * {@code after} (null: from the first); the answer may come in several pages. Protocol 5.
   */
  record Trash(String after) implements ClientMessage {
    public Trash {
      if (after != null) {
        Ids.requireDocumentId(after);
      }
    }

    @Override
    public String type() {
      return "trash";
    }
  }

  /** Takes a document out of its owner's trash: live again, members and history as before. */
  record Restore(String doc) implements ClientMessage {
    public Restore {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "restore";
    }
  }

  /** Removes a document in its owner's trash for good (protocol 5). */
  record Purge(String doc) implements ClientMessage {
    public Purge {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "purge";
    }
  }

  /** Purges every document in the user's trash (protocol 5). */
  record EmptyTrash() implements ClientMessage {
    @Override
    public String type() {
      return "emptyTrash";
    }
  }

  /** Gives {@code user} a role on a document, or takes it away when {@code role} is null. */
  record Share(String doc, String user, Role role) implements ClientMessage {
    public Share {
      Ids.requireDocumentId(doc);
      Ids.requireUserName(user);
      if (role == Role.OWNER) {
        throw new IllegalArgumentException("role must be editor, viewer or none");
      }
    }

    @Override
    public String type() {
      return "share";
    }
  }

  /** Registers this connection's device keys for its (user, client id). Protocol 6. */
  record RegisterDevice(DeviceKeys keys) implements ClientMessage {
    public RegisterDevice {
      Objects.requireNonNull(keys, "keys == null");
    }

    @Override
    public String type() {
      return "device";
    }
  }

  /** Asks for the asking user's devices that have keys registered. Protocol 8. */
  record UserDevices() implements ClientMessage {
    @Override
    public String type() {
      return "myDevices";
    }
  }

  /**
   * Revokes another device of the asking user: the relay refuses its connections from then on,
   * forgets the document keys sealed to it, and marks a rotation due on every encrypted document
   * the user has a role on. Protocol 8.
   */
  record RevokeDevice(String clientId) implements ClientMessage {
    public RevokeDevice {
      Ids.requireText("clientId", clientId, Ids.MAX_NAME);
    }

    @Override
    public String type() {
      return "revokeDevice";
    }
  }

  /** Asks for the registered devices of an encrypted document's members. Protocol 6. */
  record Devices(String doc) implements ClientMessage {
    public Devices {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "devices";
    }
  }

  /** Asks for the envelopes of an encrypted document's keys sealed to this device. Protocol 6. */
  record Keys(String doc) implements ClientMessage {
    public Keys {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "keys";
    }
  }

  /**
   * Stores envelopes of an encrypted document's key of {@code epoch} for devices; with {@code
   * rotate} (owner only) that epoch becomes the document's current one, at once with its envelopes.
   * Protocol 6.
   *
   * @param envelopes each naming its recipient device
   */
  record Seal(String doc, long epoch, boolean rotate, List<KeyEnvelope> envelopes)
      implements ClientMessage {
    public Seal {
      Ids.requireDocumentId(doc);
      if (epoch < 1) {
        throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
      }
      envelopes = List.copyOf(envelopes);
      if (envelopes.size() > MAX_ENVELOPES) {
        throw new IllegalArgumentException(
            "at most " + MAX_ENVELOPES + " envelopes per seal, was " + envelopes.size());
      }
      for (KeyEnvelope e : envelopes) {
        if (e.epoch() != epoch) {
          throw new IllegalArgumentException(
              "every envelope must be of epoch " + epoch + ", one is of " + e.epoch());
        }
      }
    }

    /** Envelopes in one {@code seal} at most. */
    public static final int MAX_ENVELOPES = 500;

    @Override
    public String type() {
      return "seal";
    }
  }

  /** Asks who has a role on a document (anyone with a role may ask). */
  record Members(String doc) implements ClientMessage {
    public Members {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "members";
    }
  }

  /**
   * Asks for the relay's signatures of a document's history after {@code fromRevision} (since
   * protocol 5).
   */
  record Signatures(String doc, long fromRevision) implements ClientMessage {
    public Signatures {
      Ids.requireDocumentId(doc);
      if (fromRevision < 0) {
        throw new IllegalArgumentException("fromRevision must be at least 0, was " + fromRevision);
      }
    }

    @Override
    public String type() {
      return "signatures";
    }
  }

  /**
   * Subscribes to a document from {@code fromRevision}: history pages follow, the last with {@code
   * complete: true}, then live {@code sequenced} messages. {@code snapshot} allows the relay to
   * start with a checkpoint instead of the whole history.
   */
  record Open(String doc, long fromRevision, boolean snapshot) implements ClientMessage {
    public Open {
      Ids.requireDocumentId(doc);
      if (fromRevision < 0) {
        throw new IllegalArgumentException("fromRevision must not be negative");
      }
    }

    @Override
    public String type() {
      return "open";
    }
  }

  /** Stops receiving a document's live messages. */
  record Unsubscribe(String doc) implements ClientMessage {
    public Unsubscribe {
      Ids.requireDocumentId(doc);
    }

    @Override
    public String type() {
      return "unsubscribe";
    }
  }

  /** Submits a batch of operations to be sequenced. */
  record Submit(String doc, WireBatch batch) implements ClientMessage {
    public Submit {
      Ids.requireDocumentId(doc);
      Objects.requireNonNull(batch, "batch == null");
    }

    @Override
    public String type() {
      return "submit";
    }
  }

  /** The sender's caret or selection at {@code revision}; relayed to others, never stored. */
  record Presence(String doc, long revision, Selection selection, String name, String colour)
      implements ClientMessage {
    public Presence {
      Ids.requireDocumentId(doc);
      if (revision < 0) {
        throw new IllegalArgumentException("revision must not be negative");
      }
      Objects.requireNonNull(selection, "selection == null");
      Ids.requireText("name", name, Ids.MAX_NAME);
      Ids.requireColour(colour);
    }

    @Override
    public String type() {
      return "presence";
    }
  }

  /**
   * One page of a document's whole history, uploaded by a client to a relay that lacks it (or lacks
   * its end): whole sequenced batches from {@code batches.get(0).firstRevision()} on, in order,
   * each following the one before. {@code head} is the last revision of the uploader's history (the
   * upload is complete when the relay holds it); {@code title}, {@code created} and {@code members}
   * describe the document, for a relay that does not know it. Since protocol version 5.
   */
  record Upload(
      String doc,
      String title,
      long created,
      long head,
      List<Member> members,
      List<WireSequenced> batches,
      boolean encrypted,
      @Nullable SealedTitle sealedTitle)
      implements ClientMessage {
    /** An upload whose title is not sealed. */
    public Upload(
        String doc,
        String title,
        long created,
        long head,
        List<Member> members,
        List<WireSequenced> batches,
        boolean encrypted) {
      this(doc, title, created, head, members, batches, encrypted, null);
    }

    /** An upload of a document that is not end-to-end encrypted. */
    public Upload(
        String doc,
        String title,
        long created,
        long head,
        List<Member> members,
        List<WireSequenced> batches) {
      this(doc, title, created, head, members, batches, false);
    }

    public Upload {
      Ids.requireDocumentId(doc);
      Ids.requireTitle(title);
      if (head < 0) {
        throw new IllegalArgumentException("head must not be negative");
      }
      members = List.copyOf(members);
      batches = List.copyOf(batches);
      for (int i = 1; i < batches.size(); i++) {
        if (batches.get(i).firstRevision() != batches.get(i - 1).lastRevision() + 1) {
          throw new IllegalArgumentException(
              "batches must follow each other: revision "
                  + batches.get(i).firstRevision()
                  + " after "
                  + batches.get(i - 1).lastRevision());
        }
      }
      if (!batches.isEmpty() && batches.get(batches.size() - 1).lastRevision() > head) {
        throw new IllegalArgumentException(
            "batches reach revision "
                + batches.get(batches.size() - 1).lastRevision()
                + ", beyond head "
                + head);
      }
    }

    @Override
    public String type() {
      return "upload";
    }
  }
}
