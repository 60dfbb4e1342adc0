package dev.quire.relay;

import dev.quire.ot.protocol.ErrorCode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/** The relay's Prometheus metrics; {@code docs/relay.md} lists them. */
final class RelayMetrics {
  final PrometheusRegistry registry = new PrometheusRegistry();

  final Gauge connections =
      Gauge.builder()
          .name("quire_relay_connections")
          .help("Open WebSocket connections")
          .register(registry);
  final Gauge documentsOpen =
      Gauge.builder()
          .name("quire_relay_documents_open")
          .help("Documents with at least one subscribed connection")
          .register(registry);
  final Counter operationsAccepted =
      Counter.builder()
          .name("quire_relay_operations_accepted_total")
          .help("Operations sequenced and committed")
          .register(registry);
  final Counter batchesDeduplicated =
      Counter.builder()
          .name("quire_relay_batches_deduplicated_total")
          .help("Resent batches answered with their earlier revisions")
          .register(registry);
  final Counter operationsRejected =
      Counter.builder()
          .name("quire_relay_operations_rejected_total")
          .help("Operations in refused batches, by error code")
          .labelNames("reason")
          .register(registry);
  final Counter errors =
      Counter.builder()
          .name("quire_relay_errors_total")
          .help("Error messages sent to clients, by error code")
          .labelNames("code")
          .register(registry);
  final Histogram commitSeconds =
      Histogram.builder()
          .name("quire_relay_commit_seconds")
          .help("Time of each group commit (all batches that were waiting) to the database")
          .classicOnly()
          .classicUpperBounds(
              0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1)
          .register(registry);

  RelayMetrics(DoubleSupplier pendingTasks, DoubleSupplier queuedBytes) {
    GaugeWithCallback.builder()
        .name("quire_relay_pending_tasks")
        .help("Requests waiting for their document's executor")
        .callback(cb -> cb.call(pendingTasks.getAsDouble()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("quire_relay_outgoing_queued_bytes")
        .help("Bytes queued for sending to clients, across connections (broadcast queue depth)")
        .callback(cb -> cb.call(queuedBytes.getAsDouble()))
        .register(registry);
  }

  /** Registers the gauge of documents whose sequencer is in memory, read from {@code count}. */
  void documentsInMemory(DoubleSupplier count) {
    GaugeWithCallback.builder()
        .name("quire_relay_documents_in_memory")
        .help("Documents whose sequencer is in memory: followed or busy, or idle for under 2.5 s")
        .callback(cb -> cb.call(count.getAsDouble()))
        .register(registry);
  }

  void rejected(ErrorCode code, int operations) {
    operationsRejected.labelValues(code.wireName()).inc(operations);
  }

  void error(ErrorCode code) {
    errors.labelValues(code.wireName()).inc();
  }
}
