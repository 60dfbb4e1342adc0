package dev.quire.relay;

import dev.quire.ot.protocol.ClientMessage;
import dev.quire.ot.protocol.DocumentInfo;
import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Member;
import dev.quire.ot.protocol.ProtocolCodec;
import dev.quire.ot.protocol.Role;
import dev.quire.ot.protocol.ServerMessage;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.PayloadKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Administration of one document: create, rename, delete (into its owner's trash), restore, purge
 * and share, and what another relay process changed of them. Each request checks the requester's
 * role, changes the store, keeps the actor's memory of the document in step, and tells the
 * subscribers and the users concerned. Runs on the document's executor, as the actor's requests do.
 */
final class DocumentAdmin {
  private static final Logger log = LoggerFactory.getLogger(DocumentAdmin.class);

  private final DocumentActor actor;
  private final String id;
  private final RelayContext ctx;
  private final RequestScheduler scheduler;

  DocumentAdmin(DocumentActor actor, String id, RelayContext ctx, RequestScheduler scheduler) {
    this.actor = actor;
    this.id = id;
    this.ctx = ctx;
    this.scheduler = scheduler;
  }

  void create(Session s, String rid, ClientMessage.Create m) {
    actor.load();
    String user = s.user();
    DocumentRow row = actor.row();
    if (row != null) {
      if (!row.deleted() && row.owner().equals(user)) {
        s.answer(rid, new ServerMessage.Created(row.info(Role.OWNER))); // a retried create
        return;
      }
      // The same answer whoever holds the id, and whether it was deleted: it says the id is
      // taken, never by whom (see docs/protocol.md, create).
      throw new Refusal(ErrorCode.DOCUMENT_EXISTS, "a document with id " + id + " exists already");
    }
    long now = System.currentTimeMillis();
    if (m.sealedTitle() != null && !m.encrypted()) {
      throw new Refusal(
          ErrorCode.NOT_ENCRYPTED, "a sealed title is for an encrypted document only");
    }
    PayloadKind kind = m.encrypted() ? PayloadKind.ENCRYPTED : ctx.config().payloadKind();
    if (!ctx.store().documents().create(id, m.title(), user, now, kind, m.sealedTitle())) {
      actor.invalidate();
      throw new Refusal(ErrorCode.DOCUMENT_EXISTS, "a document with id " + id + " exists already");
    }
    actor.installRow(ctx.loader().row(id).orElse(null)); // just written: a quick read
    ctx.store().feed().changed(id);
    DocumentInfo info = actor.row().info(Role.OWNER);
    // The user's other connections first: one that connects after the creator has its answer is
    // then never announced a document it already finds in its listing.
    ctx.userSessions().send(user, new ServerMessage.Available(info), s);
    s.answer(rid, new ServerMessage.Created(info));
  }

  void rename(Session s, String rid, ClientMessage.Rename m) {
    actor.requireRole(s, Role.EDITOR);
    if (m.sealedTitle() != null && !actor.row().encrypted()) {
      throw new Refusal(
          ErrorCode.NOT_ENCRYPTED, "document " + id + " is not encrypted: its title is not sealed");
    }
    long now = System.currentTimeMillis();
    ctx.store().documents().rename(id, m.title(), m.sealedTitle(), now);
    DocumentRow renamedRow = ctx.store().documents().find(id).orElse(null);
    actor.rowChanged(renamedRow);
    ctx.store().feed().changed(id);
    ServerMessage.Renamed renamed =
        renamedRow == null
            ? new ServerMessage.Renamed(id, m.title())
            : new ServerMessage.Renamed(id, renamedRow.title(), renamedRow.sealedTitle());
    actor.fanout().sendToAll(renamed, s, rid);
  }

  /**
   * Moves the document to its owner's trash: subscribers get {@code deleted}, and every connection
   * of every member (the requester's own excepted) {@code unavailable}, here and, through the feed,
   * on the other relays. Its history and roles stay for a restore.
   */
  void delete(Session s, String rid) {
    actor.requireRole(s, Role.OWNER);
    ctx.store().documents().markDeleted(id, System.currentTimeMillis());
    ctx.store().feed().changed(id);
    ServerMessage.Deleted deleted = new ServerMessage.Deleted(id);
    actor.fanout().sendToAll(deleted, s, rid);
    for (Session sub : actor.fanout().snapshot()) {
      actor.fanout().unsubscribe(sub);
    }
    actor.invalidate();
    actor.forgetRoles();
    for (Member m : ctx.store().documents().members(id)) {
      ctx.userSessions().send(m.user(), new ServerMessage.Unavailable(id), s);
      ctx.store().feed().shared(id, m.user());
    }
  }

  /**
   * Takes the document out of its owner's trash: live again with its history and members, who are
   * told {@code available} (here and, through the feed, on the other relays). A restore of a
   * document that is live already is answered again (a retried restore is harmless).
   */
  void restore(Session s, String rid) {
    DocumentRow row = trashedRowOf(s);
    if (row == null) {
      s.answer(rid, new ServerMessage.Restored(actor.row().info(Role.OWNER)));
      return;
    }
    if (!ctx.store().documents().restore(id)) {
      actor.invalidate();
      throw new Refusal(ErrorCode.UNKNOWN_DOCUMENT, "no document " + id + " in the trash");
    }
    actor.installRow(ctx.loader().row(id).orElse(null)); // just written: a quick read
    actor.forgetRoles();
    ctx.store().feed().changed(id);
    DocumentRow restored = actor.row();
    for (Member m : ctx.store().documents().members(id)) {
      ctx.userSessions().send(m.user(), new ServerMessage.Available(restored.info(m.role())), s);
      ctx.store().feed().shared(id, m.user());
    }
    s.answer(rid, new ServerMessage.Restored(restored.info(Role.OWNER)));
  }

  /**
   * Purges the document from its owner's trash: its history, checkpoints and roles go for good. A
   * purge of a document purged already is answered again.
   */
  void purge(Session s, String rid) {
    DocumentRow row = trashedRowOf(s);
    if (row == null) {
      throw new Refusal(
          ErrorCode.FORBIDDEN, "document " + id + " is not in the trash: delete it first");
    }
    if (ctx.store().documents().purge(id, System.currentTimeMillis())) {
      ctx.store().feed().changed(id);
    }
    actor.invalidate();
    actor.forgetRoles();
    s.answer(rid, new ServerMessage.Purged(id));
  }

  /**
   * The document's row when it is in the trash of the session's user, or null when it is live and
   * the user owns it.
   *
   * @throws Refusal UNKNOWN_DOCUMENT when it is neither (another user's, unknown), or FORBIDDEN
   *     when it is live and the user is not its owner
   */
  private DocumentRow trashedRowOf(Session s) {
    actor.load();
    DocumentRow row = actor.row();
    if (row != null && row.deleted()) {
      if (!row.owner().equals(s.user())) {
        throw new Refusal(ErrorCode.UNKNOWN_DOCUMENT, "no document " + id + " in the trash");
      }
      return row;
    }
    actor.requireRole(s, Role.OWNER);
    return null;
  }

  /** Answers {@code members}: anyone with a role may see who else has one. */
  void members(Session s, String rid) {
    actor.requireRole(s, Role.VIEWER);
    s.answer(rid, new ServerMessage.Members(id, ctx.store().documents().members(id)));
  }

  void share(Session s, String rid, ClientMessage.Share m) {
    actor.requireRole(s, Role.OWNER);
    if (ctx.config().openMode()) {
      throw new Refusal(ErrorCode.FORBIDDEN, "roles do not apply in open mode");
    }
    if (m.user().equals(actor.row().owner())) {
      throw new Refusal(ErrorCode.FORBIDDEN, "the owner's role cannot change");
    }
    if (!ctx.store().users().isActive(m.user())) {
      throw new Refusal(ErrorCode.UNKNOWN_USER, "no user named " + m.user());
    }
    ctx.store().documents().setRole(id, m.user(), m.role());
    actor.roleChanged(m.user(), m.role());
    ctx.store().feed().shared(id, m.user());
    if (m.role() == null) {
      for (Session sub : actor.fanout().snapshot()) {
        if (sub.user().equals(m.user())) {
          actor.fanout().unsubscribe(sub);
          sub.send(new ServerMessage.Unsubscribed(id));
        }
      }
    }
    s.answer(rid, new ServerMessage.Shared(id, m.user(), m.role()));
    ctx.userSessions()
        .send(
            m.user(),
            m.role() == null
                ? new ServerMessage.Unavailable(id)
                : new ServerMessage.Available(actor.row().info(m.role())),
            s);
  }

  /** The document's row and the roles of its subscribers' users, read again on a loader thread. */
  private record Administered(DocumentRow row, Map<String, Optional<Role>> roles) {}

  /**
   * Another relay process renamed, deleted or shared the document: it reads its row and the roles
   * of the users following it again, then tells the subscribers as a change made here would.
   */
  void changedElsewhere() {
    if (!actor.isLoaded() || actor.row() == null) {
      actor.forgetRoles(); // read afresh when next needed
      return;
    }
    List<String> users = actor.fanout().snapshot().stream().map(Session::user).distinct().toList();
    try {
      scheduler.loadFirst(() -> readAdministered(users), this::installAdministered);
    } catch (RuntimeException e) { // an earlier read failed, or stopping: read it all again
      log.warn("Document {}: reading its changes failed: {}", id, e.toString());
      actor.invalidate();
      actor.forgetRoles();
    }
  }

  private Administered readAdministered(List<String> users) {
    DocumentRow r = ctx.loader().row(id).orElse(null);
    Map<String, Optional<Role>> read = new HashMap<>();
    if (r != null && !r.deleted() && !ctx.config().openMode()) {
      for (String user : users) {
        read.put(user, ctx.loader().role(id, user));
      }
    }
    return new Administered(r, read);
  }

  private void installAdministered(Administered a) {
    actor.forgetRoles();
    DocumentRow row = actor.row();
    if (row == null) {
      return; // released meanwhile: read when next asked
    }
    LiveFanout fanout = actor.fanout();
    DocumentRow r = a.row();
    if (r == null || r.deleted()) {
      if (!row.deleted()) {
        fanout.broadcast(ProtocolCodec.encode(new ServerMessage.Deleted(id)), null);
        for (Session sub : fanout.snapshot()) {
          fanout.unsubscribe(sub);
        }
      }
      actor.invalidate();
      return;
    }
    if (row.deleted()) {
      actor.invalidate(); // restored elsewhere: read afresh when next asked
      return;
    }
    if (!r.title().equals(row.title()) || !Objects.equals(r.sealedTitle(), row.sealedTitle())) {
      // Only the title: the head stays what this relay has sequenced and sent.
      actor.rowChanged(r.withHead(row.head(), row.lastChangeMillis()));
      fanout.broadcast(
          ProtocolCodec.encode(new ServerMessage.Renamed(id, r.title(), r.sealedTitle())), null);
    }
    a.roles().forEach(actor.roles()::known);
    for (Session sub : fanout.snapshot()) {
      Optional<Role> role = actor.roles().known(sub.user());
      if (role != null && role.isEmpty()) {
        fanout.unsubscribe(sub);
        sub.send(new ServerMessage.Unsubscribed(id));
      }
    }
  }
}
