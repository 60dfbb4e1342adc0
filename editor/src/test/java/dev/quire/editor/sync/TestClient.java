package dev.quire.editor.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.editor.store.LocalStore;
import dev.quire.ot.operation.TextOperation;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A headless Quire client for tests: a profile store, an owner thread and a sync engine. */
final class TestClient implements AutoCloseable {
  final Path profile;
  final LocalStore store;
  final OwnerThread owner;
  final SyncEngine engine;
  final List<String> problems = new CopyOnWriteArrayList<>();

  TestClient(Path profile, URI relay, String token, String name) {
    this(profile, new SyncEngine.Config(relay, token, name, "#112233", 20, 500));
  }

  TestClient(Path profile, SyncEngine.Config config) {
    this.profile = profile;
    this.store = LocalStore.open(profile);
    this.owner = OwnerThread.start("owner-" + config.displayName());
    this.engine = new SyncEngine(store, owner, config);
    owner.run(
        () ->
            engine.addListener(
                new SyncEngine.Listener() {
                  @Override
                  public void problem(String doc, String message) {
                    problems.add((doc == null ? "" : doc + ": ") + message);
                  }
                }));
  }

  /** Adds a local document that already exists on the relay. */
  void addRemoteDocument(String id) throws Exception {
    store.createDocument(id, "Title of " + id, 1, true, List.of()).get();
  }

  DocumentSession open(String id) throws Exception {
    CompletableFuture<DocumentSession> f = owner.call(() -> engine.open(id));
    return f.get(30, TimeUnit.SECONDS);
  }

  void start() {
    owner.run(engine::start);
  }

  void stop() {
    owner.run(engine::stop);
  }

  <T> T onOwner(Supplier<T> s) {
    return owner.call(s::get);
  }

  void edit(DocumentSession s, int position, int delete, String text) {
    owner.run(() -> s.splice(position, delete, text));
  }

  void edit(DocumentSession s, TextOperation op) {
    owner.run(() -> s.edit(op));
  }

  String text(DocumentSession s) {
    return onOwner(s::text);
  }

  SyncStatus status(DocumentSession s) {
    return onOwner(s::status);
  }

  void awaitSettled() throws InterruptedException {
    await("settled: " + onOwner(engine::status).describe(), () -> onOwner(engine::isSettled));
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(10); // bounded poll (deadline above): nothing signals the condition
    }
  }

  @Override
  public void close() {
    owner.run(engine::close);
    owner.close();
    store.close();
  }
}
