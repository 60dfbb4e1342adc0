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

  /**
   * The problems the engine reported and those of each document it opened ({@code "doc: ..."}), in
   * order; a problem the engine reports for every document is listed once.
   */
  final List<String> problems = new CopyOnWriteArrayList<>();

  private final java.util.Set<String> engineWide = new java.util.HashSet<>(); // owner thread

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
                    if (doc == null) {
                      engineWide.add(message); // and handed to every open document
                    }
                    record((doc == null ? "" : doc + ": ") + message);
                  }

                  @Override
                  public void opened(DocumentSession s) {
                    s.addListener(
                        new DocumentListener() {
                          @Override
                          public void problem(String message) {
                            if (!engineWide.contains(message)) {
                              record(s.id() + ": " + message);
                            }
                          }
                        });
                  }
                }));
  }

  /**
   * Lists {@code problem} unless it is the one just listed (a stop reaches engine and document).
   */
  private void record(String problem) {
    if (problems.isEmpty() || !problems.get(problems.size() - 1).equals(problem)) {
      problems.add(problem);
    }
  }

  /**
   * Checks that the problems so far are at most the wait of a device that opened an encrypted
   * document before a member's device had sealed its key for it (docs/encryption.md: "until then it
   * waits and says so"), then forgets them, so that later checks see only what came after.
   */
  void forgetTheWaitForTheKey() {
    assertThat(problems)
        .as("the problems while joining")
        .allMatch(
            p ->
                p.matches(
                    "[^:]+: revision \\d+ needs the key of epoch \\d+: waiting for a member's"
                        + " device to give this one the key"));
    problems.clear();
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
