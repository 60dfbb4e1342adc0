package dev.quire.relay.postgres;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the relay's PostgreSQL database is: a {@code jdbc:postgresql://host[:port]/database} URL as
 * pgjdbc reads it, which may carry {@code user} and {@code password} parameters itself; without
 * them, {@value #USER_VARIABLE} and {@value #PASSWORD_VARIABLE} give them. {@link #redacted} is the
 * URL without its password, for messages and logs.
 */
public record PgUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {
  public static final String PREFIX = "jdbc:postgresql://";
  public static final String USER_VARIABLE = "QUIRE_RELAY_DATABASE_USER";
  public static final String PASSWORD_VARIABLE = "QUIRE_RELAY_DATABASE_PASSWORD";
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("([?&]password=)[^&]*", Pattern.CASE_INSENSITIVE);

  public PgUrl {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
    Objects.requireNonNull(user, "user == null");
    Objects.requireNonNull(password, "password == null");
    if (!jdbcUrl.startsWith(PREFIX) || jdbcUrl.length() == PREFIX.length()) {
      throw new IllegalArgumentException(
          "a database URL looks like "
              + PREFIX
              + "host:5432/quire?user=quire, not "
              + redact(jdbcUrl));
    }
  }

  /**
   * The URL {@code url}, with the user and password from {@code env} where the URL has none.
   *
   * @throws IllegalArgumentException when it is not a PostgreSQL JDBC URL
   */
  public static PgUrl of(String url, Map<String, String> env) {
    return new PgUrl(
        url,
        Optional.ofNullable(env.get(USER_VARIABLE)).filter(u -> !u.isEmpty()),
        Optional.ofNullable(env.get(PASSWORD_VARIABLE)).filter(p -> !p.isEmpty()));
  }

  /** The URL with any password replaced by {@code ***}. */
  public String redacted() {
    return redact(jdbcUrl);
  }

  private static String redact(String url) {
    return PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
  }

  @Override
  public String toString() {
    return redacted();
  }
}
