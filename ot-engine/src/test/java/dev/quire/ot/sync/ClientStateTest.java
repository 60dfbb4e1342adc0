package dev.quire.ot.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.ot.operation.TextOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientStateTest {
  private static final TextOperation A = TextOperation.splice(0, 0, 0, "a");
  private static final TextOperation B = TextOperation.splice(1, 1, 0, "b");
  private static final Batch IN_FLIGHT = new Batch("c", 1, 0, List.of(A));

  @Test
  void holds_an_idle_state() {
    ClientState s = new ClientState("c", 0, 1, null, List.of(), List.of());
    assertThat(s.clientId()).isEqualTo("c");
    assertThat(s.revision()).isZero();
    assertThat(s.nextBatchSeq()).isEqualTo(1);
    assertThat(s.inFlight()).isNull();
    assertThat(s.inFlightOperations()).isEmpty();
    assertThat(s.queued()).isEmpty();
  }

  @Test
  void holds_a_busy_state_and_copies_its_lists() {
    List<TextOperation> flight = new ArrayList<>(List.of(A));
    List<TextOperation> queued = new ArrayList<>(List.of(B));
    ClientState s = new ClientState("c", 0, 2, IN_FLIGHT, flight, queued);
    flight.clear();
    queued.clear();
    assertThat(s.inFlight()).isEqualTo(IN_FLIGHT);
    assertThat(s.inFlightOperations()).containsExactly(A);
    assertThat(s.queued()).containsExactly(B);
    assertThatThrownBy(() -> s.queued().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(s).isEqualTo(new ClientState("c", 0, 2, IN_FLIGHT, List.of(A), List.of(B)));
  }

  @Test
  void refuses_out_of_range_numbers() {
    assertThatThrownBy(() -> new ClientState("c", -1, 1, null, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision -1 or nextBatchSeq 1 out of range");
    assertThatThrownBy(() -> new ClientState("c", 0, 0, null, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision 0 or nextBatchSeq 0 out of range");
  }

  @Test
  void refuses_in_flight_operations_that_do_not_match_the_in_flight_batch() {
    assertThatThrownBy(() -> new ClientState("c", 0, 2, null, List.of(A), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("in-flight operations do not match the in-flight batch");
    assertThatThrownBy(() -> new ClientState("c", 0, 2, IN_FLIGHT, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClientState("c", 0, 2, IN_FLIGHT, List.of(A, B), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refuses_a_missing_or_blank_client_id() {
    assertThatThrownBy(() -> new ClientState(null, 0, 1, null, List.of(), List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new ClientState(" ", 0, 1, null, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientId must not be blank");
  }

  @Test
  void refuses_null_lists() {
    assertThatThrownBy(() -> new ClientState("c", 0, 1, null, null, List.of()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new ClientState("c", 0, 1, null, List.of(), null))
        .isInstanceOf(NullPointerException.class);
  }
}
