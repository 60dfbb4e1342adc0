package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryTest {
  @Test
  void copies_the_operations_to_apply() {
    List<TextOperation> ops = new ArrayList<>(List.of(TextOperation.splice(0, 0, 0, "a")));
    Delivery d = new Delivery(Delivery.Status.APPLIED, ops);
    ops.clear();
    assertThat(d.status()).isEqualTo(Delivery.Status.APPLIED);
    assertThat(d.toApply()).containsExactly(TextOperation.splice(0, 0, 0, "a"));
    assertThatThrownBy(() -> d.toApply().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void the_shared_duplicate_and_gap_deliveries_apply_nothing() {
    assertThat(Delivery.DUPLICATE.status()).isEqualTo(Delivery.Status.DUPLICATE);
    assertThat(Delivery.DUPLICATE.toApply()).isEmpty();
    assertThat(Delivery.GAP.status()).isEqualTo(Delivery.Status.GAP);
    assertThat(Delivery.GAP.toApply()).isEmpty();
  }

  @Test
  void equal_by_value() {
    assertThat(new Delivery(Delivery.Status.GAP, List.of())).isEqualTo(Delivery.GAP);
    assertThat(Delivery.Status.values())
        .containsExactly(Delivery.Status.APPLIED, Delivery.Status.DUPLICATE, Delivery.Status.GAP);
  }

  @Test
  void refuses_null_operations() {
    assertThatThrownBy(() -> new Delivery(Delivery.Status.APPLIED, null))
        .isInstanceOf(NullPointerException.class);
  }
}
