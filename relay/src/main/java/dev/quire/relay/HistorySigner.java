package dev.quire.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ot.codec.CanonicalJson;
import dev.quire.ot.codec.OperationCodec;
import dev.quire.ot.history.Ed25519;
import dev.quire.ot.history.HistoryChain;
import dev.quire.ot.protocol.RelaySignature;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.ot.protocol.WireBatch;
import dev.quire.ot.protocol.WireSequenced;
import dev.quire.ot.text.GapBuffer;
import dev.quire.relay.store.HistoryStore;
import dev.quire.relay.store.RelayStorage;
import dev.quire.relay.store.SignatureStore;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Signs checkpoints of documents' histories with the relay's Ed25519 key (protocol 5's {@code
 * signatures}): at every {@code interval}-th revision, the relay's chain hash over the canonical
 * revision records ({@link HistoryChain}) and, for documents it reads, the text's SHA-256. Signing
 * is lazy: a request signs the checkpoints reached since the last one stored, reading at most the
 * revisions since then, so sequencing pays nothing for it. The head, when it is not a checkpoint,
 * is signed for the answer and not stored. Stateless apart from the key; thread-safe.
 */
final class HistorySigner {
  /** The most signatures in one answer: about 250 bytes each, well within a message. */
  static final int MAX_PER_ANSWER = 1000;

  /** The most checkpoints one request signs: 20,000 revisions at the default interval. */
  static final int MAX_CHECKPOINTS_PER_REQUEST = 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;

  private final HistoryStore history;
  private final SignatureStore signatures;
  private final KeyPair key;
  private final String publicKey;
  private final int interval;
  private final Function<GapBuffer, String> textHash;

  private HistorySigner(
      RelayStorage store, KeyPair key, int interval, Function<GapBuffer, String> textHash) {
    this.history = store.history();
    this.signatures = store.signatures();
    this.key = key;
    this.publicKey = Ed25519.publicKey(key);
    this.interval = interval;
    this.textHash = textHash;
  }

  /** The signer of {@code store}'s key, made now if the storage has none yet. */
  static HistorySigner open(RelayStorage store, int interval) {
    return open(store, interval, text -> HistoryChain.sha256(text.toString()));
  }

  /**
   * As {@link #open(RelayStorage, int)}, hashing texts with {@code textHash}: the SHA-256 of the
   * text, in hex (tests count the texts hashed through it).
   */
  static HistorySigner open(
      RelayStorage store, int interval, Function<GapBuffer, String> textHash) {
    byte[] pkcs8 =
        store.signatures().signingKey(() -> Ed25519.generate().getPrivate().getEncoded());
    return new HistorySigner(store, Ed25519.fromPrivate(pkcs8), interval, textHash);
  }

  /** The public key, X.509 DER in base64, as {@code welcome.signingKey} publishes it. */
  String publicKey() {
    return publicKey;
  }

  /**
   * The signed checkpoints of {@code doc} after {@code from} up to {@code head}, signing those not
   * signed yet.
   *
   * @param readable whether the relay reads the document: then each signs its text's hash too
   */
  ServerMessage.Signatures answer(String doc, long from, long head, boolean readable) {
    Optional<RelaySignature> last = signatures.latestAtOrBefore(doc, head);
    long at = last.map(RelaySignature::revision).orElse(0L);
    // A long history unsigned so far is signed over several requests, each a bounded stall of
    // the document's sequencing: up to a checkpoint at most MAX_CHECKPOINTS_PER_REQUEST on.
    long budget = (long) interval * MAX_CHECKPOINTS_PER_REQUEST;
    long upTo = head - at <= budget ? head : (at + budget) / interval * interval;
    RelaySignature atHead = at == upTo ? null : signUpTo(doc, last, upTo, readable);
    List<RelaySignature> out = new ArrayList<>(signatures.after(doc, from, MAX_PER_ANSWER));
    while (!out.isEmpty() && out.get(out.size() - 1).revision() > upTo) {
      out.remove(out.size() - 1); // another relay of the storage is further on
    }
    boolean complete = out.size() < MAX_PER_ANSWER && upTo == head;
    if (complete && atHead != null && atHead.revision() > from) {
      out.add(atHead);
    }
    return new ServerMessage.Signatures(doc, publicKey, interval, out, complete);
  }

  /**
   * Signs and stores every checkpoint after {@code last} up to {@code head}; returns the signature
   * of {@code head} itself when it is not a checkpoint (null when it is).
   */
  private RelaySignature signUpTo(
      String doc, Optional<RelaySignature> last, long head, boolean readable) {
    long at = last.map(RelaySignature::revision).orElse(0L);
    Run run = new Run(doc, readable, last.map(RelaySignature::chain).orElse(HistoryChain.GENESIS));
    if (readable) {
      run.text = textAt(doc, at);
    }
    long after = at;
    RelaySignature atHead = null;
    while (after < head) {
      List<WireSequenced> page = history.page(doc, after, PAGE);
      if (page.isEmpty()) {
        throw new IllegalStateException("document " + doc + " has no history after " + after);
      }
      long first = Math.max(after + 1, page.get(0).firstRevision());
      long lastInPage = Math.min(head, page.get(page.size() - 1).lastRevision());
      List<String> canonical = readable ? history.canonical(doc, first, lastInPage) : null;
      for (WireSequenced w : page) {
        for (int i = 0; i < w.batch().size(); i++) {
          long r = w.firstRevision() + i;
          if (r <= after || r > head) {
            continue;
          }
          String op = readable ? canonical.get((int) (r - first)) : sentOperation(w.batch(), i);
          boolean checkpoint = r % interval == 0;
          RelaySignature s = run.next(w, r, op, checkpoint || r == head);
          if (checkpoint) {
            signatures.add(doc, s);
          } else if (r == head) {
            atHead = s;
          }
        }
      }
      after = lastInPage;
    }
    return atHead;
  }

  /** The chain and text of one signing pass over a document. */
  private final class Run {
    final String doc;
    final boolean readable;
    String chain;
    GapBuffer text;

    Run(String doc, boolean readable, String chain) {
      this.doc = doc;
      this.readable = readable;
      this.chain = chain;
    }

    /**
     * Takes revision {@code r} of {@code w}, whose operation is {@code op}, into the chain (and the
     * text); when {@code sign}, signs there, else returns null: hashing the whole text at every
     * revision would cost a long document's size at each of its revisions.
     */
    RelaySignature next(WireSequenced w, long r, String op, boolean sign) {
      if (op == null) {
        throw new IllegalStateException(
            "document " + doc + " has no canonical operation at revision " + r);
      }
      WireBatch b = w.batch();
      chain =
          HistoryChain.next(
              chain,
              new HistoryChain.Revision(
                  r,
                  b.baseRevision(),
                  w.firstRevision(),
                  w.author(),
                  b.clientId(),
                  b.batchSeq(),
                  w.timestampMillis(),
                  b.madeAt(),
                  op));
      if (readable) {
        text.apply(OperationCodec.fromJson(op));
      }
      if (!sign) {
        return null;
      }
      String hash = readable ? textHash.apply(text) : null;
      byte[] statement = HistoryChain.relayStatement(doc, r, chain, hash);
      return new RelaySignature(r, chain, hash, Ed25519.sign(key.getPrivate(), statement));
    }
  }

  /** The text at {@code revision}: the latest stored checkpoint, then the operations after it. */
  private GapBuffer textAt(String doc, long revision) {
    long from = history.checkpointAtOrBefore(doc, revision).orElse(0);
    GapBuffer text =
        new GapBuffer(from == 0 ? "" : history.checkpoint(doc, from).orElseThrow().text());
    for (long r = from + 1; r <= revision; r += PAGE) {
      for (String op : history.canonical(doc, r, Math.min(revision, r + PAGE - 1))) {
        text.apply(OperationCodec.fromJson(op));
      }
    }
    return text;
  }

  /** Operation {@code i} of {@code b} as sent, in canonical JSON: what an opaque chain covers. */
  private static String sentOperation(WireBatch b, int i) {
    try {
      StringBuilder out = new StringBuilder();
      CanonicalJson.append(out, JSON.readTree(b.operations().get(i)));
      return out.toString();
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("a stored operation is not canonical JSON: " + e, e);
    }
  }
}
