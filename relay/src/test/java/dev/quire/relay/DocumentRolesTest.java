package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.protocol.ErrorCode;
import dev.quire.ot.protocol.Role;
import dev.quire.relay.store.DocumentStore.DocumentRow;
import dev.quire.relay.store.PayloadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who may do what with a document, alone: roles read once, kept, and checked. */
class DocumentRolesTest {
  private static final DocumentRow LIVE =
      new DocumentRow("d", "t", "alice", 1, 0, 1, null, PayloadKind.READABLE);
  private static final DocumentRow DELETED =
      new DocumentRow("d", "t", "alice", 1, 0, 1, 5L, PayloadKind.READABLE);

  /** Stands for the read a request waits for. */
  private static final class ReadFirst extends RuntimeException {
    ReadFirst(String user) {
      super(user);
    }
  }

  private final List<String> reads = new ArrayList<>();

  private RuntimeException read(String user) {
    reads.add(user);
    return new ReadFirst(user);
  }

  @Test
  void aRoleIsReadOnFirstNeed_thenKeptUntilForgotten() {
    DocumentRoles roles = new DocumentRoles("d", false);
    assertThatThrownBy(() -> roles.roleOf(LIVE, "bob", this::read)).isInstanceOf(ReadFirst.class);
    assertThat(reads).containsExactly("bob");

    roles.known("bob", Optional.of(Role.EDITOR));
    roles.known("carol", Optional.empty());
    assertThat(roles.roleOf(LIVE, "bob", this::read)).isEqualTo(Role.EDITOR);
    assertThat(roles.roleOf(LIVE, "carol", this::read)).isNull(); // read: none
    assertThat(reads).containsExactly("bob");

    roles.forget();
    assertThat(roles.known("bob")).isNull();
    assertThatThrownBy(() -> roles.roleOf(LIVE, "bob", this::read)).isInstanceOf(ReadFirst.class);
  }

  @Test
  void nobodyHasARoleOnADeletedOrUnknownDocument() {
    DocumentRoles roles = new DocumentRoles("d", false);
    roles.known("alice", Optional.of(Role.OWNER));
    assertThat(roles.roleOf(DELETED, "alice", this::read)).isNull();
    assertThat(roles.roleOf(null, "alice", this::read)).isNull();
    assertThat(reads).isEmpty();
  }

  @Test
  void inOpenMode_theOwnerOwnsAndEverybodyElseEdits_withoutReading() {
    DocumentRoles roles = new DocumentRoles("d", true);
    assertThat(roles.roleOf(LIVE, "alice", this::read)).isEqualTo(Role.OWNER);
    assertThat(roles.roleOf(LIVE, "guest", this::read)).isEqualTo(Role.EDITOR);
    assertThat(reads).isEmpty();
  }

  @Test
  void require_refusesWithoutARole_asAnUnknownDocument_andWithTooSmallARole() {
    DocumentRoles roles = new DocumentRoles("d", false);
    roles.require("alice", Role.OWNER, Role.OWNER);
    roles.require("bob", Role.EDITOR, Role.EDITOR);
    roles.require("vic", Role.VIEWER, Role.VIEWER);

    assertThatThrownBy(() -> roles.require("eve", null, Role.VIEWER))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.UNKNOWN_DOCUMENT))
        .hasMessage("no document d");
    assertThatThrownBy(() -> roles.require("vic", Role.VIEWER, Role.EDITOR))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.FORBIDDEN))
        .hasMessageContaining("vic is viewer of d; this needs editor");
    assertThatThrownBy(() -> roles.require("bob", Role.EDITOR, Role.OWNER))
        .isInstanceOfSatisfying(
            Refusal.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.FORBIDDEN));
  }
}
