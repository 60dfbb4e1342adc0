package dev.quire.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.relay.postgres.PgUrl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --database}: documented, read as a PostgreSQL URL, refused clearly when it is not one. */
class DatabaseOptionTest {
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = RelayMain.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void helpDocumentsTheOptionAndItsVariables() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("--database", "QUIRE_RELAY_DATABASE", "jdbc:postgresql://")
        .contains("QUIRE_RELAY_DATABASE_USER", "QUIRE_RELAY_DATABASE_PASSWORD");
  }

  @Test
  void theUrlSelectsPostgresAndTheDataDirectoryStaysTheDefault() {
    RelayMain main = new RelayMain();
    new CommandLine(main).parseArgs("--database", "jdbc:postgresql://db.example:5432/quire");
    assertThat(main.config().database().jdbcUrl())
        .isEqualTo("jdbc:postgresql://db.example:5432/quire");
    RelayMain plain = new RelayMain();
    new CommandLine(plain).parseArgs();
    assertThat(plain.config().database()).isNull(); // unless QUIRE_RELAY_DATABASE is set
  }

  @Test
  void userAndPasswordComeFromTheEnvironmentAndNeverShowInMessages() {
    PgUrl url =
        PgUrl.of(
            "jdbc:postgresql://db/quire?password=hunter2&ssl=true",
            Map.of(PgUrl.USER_VARIABLE, "quire", PgUrl.PASSWORD_VARIABLE, "s3cret"));
    assertThat(url.user()).isEqualTo(Optional.of("quire"));
    assertThat(url.password()).isEqualTo(Optional.of("s3cret"));
    assertThat(url.redacted()).isEqualTo("jdbc:postgresql://db/quire?password=***&ssl=true");
    assertThat(url.toString()).doesNotContain("hunter2");
  }

  @Test
  void aUrlThatIsNotPostgresIsRefusedInOneLine() {
    assertThat(run("--database", "postgres://db/quire?password=hunter2", "--port", "0"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("jdbc:postgresql://")
        .doesNotContain("hunter2")
        .doesNotContain("\tat ");
  }

  @Test
  void backupsAndSyncBelongToTheDataDirectory() {
    assertThat(run("--database", "jdbc:postgresql://db/quire", "--backup-dir", "/tmp/b"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("pg_dump");
    assertThat(run("--database", "jdbc:postgresql://db/quire", "--sync")).isEqualTo(2);
    assertThat(err.toString()).contains("synchronous_commit");
    assertThat(run("--database", "jdbc:postgresql://db/quire", "backup", "--to", "/tmp/x.zip"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("pg_dump").contains("nothing was written");
  }

  @Test
  void anUnreachableDatabaseIsSaidInOneLine() {
    // Port 1 on loopback: nothing listens there.
    assertThat(
            run(
                "--database",
                "jdbc:postgresql://127.0.0.1:1/quire?connectTimeout=2",
                "user",
                "list"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("cannot connect to the database").doesNotContain("\tat ");
  }

  @Test
  void aRelayWhoseDatabaseIsUnreachableSaysSoInOneLineAndDoesNotStart() {
    assertThat(
            run(
                "--database",
                "jdbc:postgresql://127.0.0.1:1/quire?connectTimeout=2&password=hunter2",
                "--port",
                "0",
                "--metrics-port",
                "-1"))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("cannot connect to the database jdbc:postgresql://127.0.0.1:1/quire")
        .doesNotContain("hunter2")
        .doesNotContain("\tat ");
  }
}
